using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;

namespace Milter.Authentication.Tests.Dmarc;

/// <summary>
/// authentication_milter's DMARC verdicts, reproduced from its frozen zone with its SPF and DKIM verdicts as inputs:
/// SPF from the cases.tsv column (for the MAIL FROM domain, or the HELO name for a null reverse-path), DKIM from the
/// dkim= entries of the first Authentication-Results field of the expected message.
/// </summary>
public class AuthmilterE2eTests
{
    private static readonly string[] Modes = ["TreeWalk", "PublicSuffixList"];

    public static IEnumerable<TestCaseData> DmarcCases() =>
        from row in AuthmilterE2eData.Cases()
        where row["dmarc"] != "-" || row["smtp_reject"].StartsWith("550", StringComparison.Ordinal)
        from mode in Modes
        select new TestCaseData(row["id"], mode).SetName($"Evaluate_AuthmilterCase_MatchesUpstream({row["id"]},{mode})");

    [TestCaseSource(nameof(DmarcCases))]
    public async Task Evaluate_AuthmilterCase_MatchesUpstream(string id, string mode)
    {
        var row = AuthmilterE2eData.Cases().Single(r => r["id"] == id);
        var options = new DmarcOptions { Discovery = Enum.Parse<DmarcDiscoveryMode>(mode) };
        string? temporaryList = null;
        if (options.Discovery == DmarcDiscoveryMode.PublicSuffixList && !File.Exists(options.PublicSuffixListPath))
        {
            temporaryList = Path.Combine(Path.GetTempPath(), $"dmarc-psl-{Guid.NewGuid():N}.dat");
            File.WriteAllText(temporaryList, PublicSuffixListTests.SmallList);
            options.PublicSuffixListPath = temporaryList;
        }

        try
        {
            var message = File.ReadAllText(Path.Combine(AuthmilterE2eData.Directory!, row["input"]));
            var authors = AuthorDomainExtractor.Extract(AuthmilterE2eData.FromValues(message));
            var evaluator = new DmarcEvaluator(AuthmilterE2eData.LoadZone(), options);

            var result = await evaluator.CheckAsync(authors, SpfInput(row), DkimInputs(row), CancellationToken.None);

            var entries = result.ToAuthenticationResults().Select(r => r.Result);
            if (row["smtp_reject"].StartsWith("550", StringComparison.Ordinal))
            {
                Assert.That((string.Join(',', entries), result.Disposition), Is.EqualTo(("fail", DmarcPolicy.Reject)));
            }
            else
            {
                Assert.That(string.Join(',', entries), Is.EqualTo(row["dmarc"]), row["notes"]);
            }
        }
        finally
        {
            if (temporaryList is not null)
            {
                File.Delete(temporaryList);
            }
        }
    }

    [Test]
    public void DmarcCases_SharedDataPresent_CoverEveryDmarcVerdict()
    {
        if (AuthmilterE2eData.Directory is null)
        {
            Assert.Ignore("../shared/testdata/authmilter-e2e is not next to the checkout.");
        }

        Assert.That(DmarcCases().Count(), Is.EqualTo(2 * 28));
    }

    private static DmarcSpfInput SpfInput(Dictionary<string, string> row)
    {
        var result = row["spf"] switch
        {
            "pass" => SpfResult.Pass,
            "fail" => SpfResult.Fail,
            "softfail" => SpfResult.SoftFail,
            "-" or "none" => SpfResult.None,
            var other => throw new InvalidDataException($"{row["id"]}: SPF verdict {other}"),
        };
        var sender = row["mail_from"].Trim('<', '>');
        var domain = sender.Length == 0 ? row["client_name_and_helo"] : sender[(sender.LastIndexOf('@') + 1)..].Trim();
        return new DmarcSpfInput(result, domain);
    }

    private static DmarcDkimInput[] DkimInputs(Dictionary<string, string> row)
    {
        var expected = File.ReadAllText(Path.Combine(AuthmilterE2eData.Directory!, row["expected_output"]));
        // am22's expected output is the SMTP rejection only: no header, and its message is unsigned.
        var header = AuthmilterE2eData.HeaderFields(expected).FirstOrDefault(f => f.Name.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
        var inputs = new List<DmarcDkimInput>();
        foreach (var entry in header.Replace("\r\n", " ").Split(';').Select(e => e.Trim()).Where(e => e.StartsWith("dkim=", StringComparison.Ordinal)))
        {
            var words = entry.Split(' ');
            var outcome = words[0]["dkim=".Length..] switch
            {
                "pass" => DmarcDkimOutcome.Pass,
                "fail" => DmarcDkimOutcome.Fail,
                "none" => (DmarcDkimOutcome?)null,
                var other => throw new InvalidDataException($"{row["id"]}: DKIM verdict {other}"),
            };
            if (outcome is { } known)
            {
                string Property(string name) => words.Single(w => w.StartsWith(name, StringComparison.Ordinal))[name.Length..];
                inputs.Add(new DmarcDkimInput(Property("header.d="), Property("header.s="), known));
            }
        }

        return [.. inputs];
    }
}
