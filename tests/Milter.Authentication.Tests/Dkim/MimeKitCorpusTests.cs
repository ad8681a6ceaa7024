using Milter.Authentication.Dkim;
using Milter.Dns;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>Every row of mimekit/cases.tsv: three real Gmail messages and a round trip with the example key.</summary>
public class MimeKitCorpusTests
{
    public static IEnumerable<TestCaseData> Cases() =>
        DkimCorpus.ReadTsv("mimekit", "cases.tsv").Select(row => new TestCaseData(row)
            .SetArgDisplayNames($"{row["kind"]} {row["message"]}"));

    [TestCaseSource(nameof(Cases))]
    public async Task VerifyAsync_MimeKitCase_Pass(IReadOnlyDictionary<string, string> row)
    {
        var dns = DkimCorpus.LoadZone("mimekit", "dns.txt");
        byte[] message;
        if (row["kind"] == "roundtrip")
        {
            // "any" message: gmail.msg, so the new signature sits on top of Gmail's and both must pass.
            var labels = row["key"].Split("._domainkey.");
            message = TestSigner.Sign(
                DkimCorpus.ReadMessage("mimekit", "gmail.msg"), TestSigner.Rsa(DkimCorpus.PathOf("mimekit", "example.pem"), labels[1], labels[0]));
        }
        else
        {
            message = DkimCorpus.ReadMessage("mimekit", row["message"]);
        }

        var results = await DkimCorpus.VerifyAsync(message, dns);

        Assert.That(results, Is.Not.Empty);
        Assert.That(results.Select(r => r.Result), Is.All.EqualTo(DkimResult.Pass), $"{row["notes"]}: {DkimCorpus.Describe(results)}");
    }

    [Test]
    public async Task VerifyAsync_LargeMessageFromSpoolFile_Pass()
    {
        // The daemon's path: a message spooled to a file, parsed in place rather than loaded.
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"dkim-spool-{Guid.NewGuid():N}.eml");
        await File.WriteAllBytesAsync(path, DkimCorpus.ReadMessage("mimekit", "related.msg"));
        try
        {
            var checker = new DkimChecker(DkimCorpus.LoadZone("mimekit", "dns.txt"), timeProvider: new ManualClock(DkimCorpus.Now));
            await using var spool = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);

            var results = await checker.VerifyAsync(spool, CancellationToken.None);

            Assert.That(results.Select(r => r.Result), Is.EqualTo(new[] { DkimResult.Pass }), DkimCorpus.Describe(results));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
