using Milter.Authentication.Dkim;
using MimeKit.Cryptography;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>Every row of dkimpy/cases.tsv: static vectors, sign-then-verify round trips (all four c= pairs), and the signer-only case.</summary>
public class DkimpyCorpusTests
{
    private static readonly (DkimCanonicalizationAlgorithm Header, DkimCanonicalizationAlgorithm Body)[] Canonicalizations =
    [
        (DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple),
        (DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Relaxed),
        (DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Simple),
        (DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed),
    ];

    // Why each bad key record of the round trips must be refused (cases.tsv notes), so a permerror for another reason fails.
    private static readonly Dictionary<string, string> BadKeyReasons = new()
    {
        ["badversion.txt"] = "unsupported key record version",
        ["badk.txt"] = "unsupported key type",
        ["test_bad.txt"] = "does not decode",
    };

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var row in DkimCorpus.ReadTsv("dkimpy", "cases.tsv"))
        {
            var name = $"{row["message"]} {row["key_record_or_name"].Split(' ').Last()}";
            var expected = row["expected"].StartsWith("pass", StringComparison.Ordinal) ? DkimResult.Pass : DkimResult.PermError;
            switch (row["kind"])
            {
                case "roundtrip":
                    foreach (var (header, body) in Canonicalizations)
                    {
                        yield return new TestCaseData(row, header, body, expected)
                            .SetArgDisplayNames($"roundtrip {name} c={header}/{body}", expected.ToString());
                    }

                    break;
                default:
                    yield return new TestCaseData(row, DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple, expected)
                        .SetArgDisplayNames($"{row["kind"]} {name}", expected.ToString());
                    break;
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task VerifyAsync_DkimpyCase_AsUpstreamExpects(
        IReadOnlyDictionary<string, string> row, DkimCanonicalizationAlgorithm header, DkimCanonicalizationAlgorithm body, DkimResult expected)
    {
        var message = DkimCorpus.ReadMessage("dkimpy", row["message"]);
        var dns = DkimCorpus.LoadZone("dkimpy", "dns.txt");
        switch (row["kind"])
        {
            case "verify":
                break;
            case "roundtrip":
                // "name = file" publishes that file's record at the name; a bare name is already in dns.txt.
                var published = row["key_record_or_name"].Split(" = ");
                if (published.Length == 2)
                {
                    dns = new Milter.Dns.InMemoryDnsResolver().AddTxt(published[0], File.ReadAllText(DkimCorpus.PathOf("dkimpy", published[1])).Trim());
                }

                var labels = published[0].Split("._domainkey.");
                var keyPath = DkimCorpus.PathOf("dkimpy", row["private_key"]);
                var signer = keyPath.EndsWith(".key", StringComparison.Ordinal)
                    ? TestSigner.Ed25519(File.ReadAllText(keyPath), labels[1], labels[0])
                    : TestSigner.Rsa(keyPath, labels[1], labels[0]);
                signer.HeaderCanonicalizationAlgorithm = header;
                signer.BodyCanonicalizationAlgorithm = body;
                message = TestSigner.Sign(message, signer);
                break;
            default:
                Assert.Ignore($"{row["kind"]} {row["message"]}: checks that a signer refuses a message without From; authmilter has no signer, only the verifier.");
                break;
        }

        var results = await DkimCorpus.VerifyAsync(message, dns);

        Assert.That(results, Is.Not.Empty);
        Assert.That(results.Select(r => r.Result), Is.All.EqualTo(expected), $"{row["notes"]}: {DkimCorpus.Describe(results)}");
        if (BadKeyReasons.TryGetValue(row["key_record_or_name"].Split(' ').Last(), out var reason))
        {
            Assert.That(results.Select(r => r.Reason), Is.All.Contains(reason));
        }
    }
}
