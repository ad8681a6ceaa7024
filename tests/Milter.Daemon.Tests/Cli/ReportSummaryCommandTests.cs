using System.Text.Json;
using Milter.Daemon.Cli;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Cli;

/// <summary><c>authmilter report summary</c> end to end: reports ingested into a SQLite file, then summarized.</summary>
public class ReportSummaryCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private string _directory = null!;
    private string _config = null!;

    [OneTimeSetUp]
    public async Task IngestAsync()
    {
        _directory = Directory.CreateTempSubdirectory("report-summary-").FullName;
        _config = ReportIngestCommandTests.WriteConfig(_directory, $"sqlite:{Path.Combine(_directory, "history.db")}");
        var google = Path.Combine(_directory, "google.eml");
        var outlook = Path.Combine(_directory, "outlook.eml");
        await File.WriteAllTextAsync(google, ReportIngestCommandTests.GzipReport("google.xml").ToString());
        await File.WriteAllTextAsync(outlook, ReportIngestCommandTests.GzipReport("outlook.xml").ToString());
        var exitCode = await ReportIngestCommand.RunAsync(
            ["--config", _config, google, outlook, ReportIngestCommandTests.Fixture("plain-xml.eml"), ReportIngestCommandTests.Fixture("minimal-report.eml")],
            new StringReader(string.Empty),
            TextWriter.Null,
            TextWriter.Null);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
    }

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Run_OneDomain_PrintsTheSummaryTheDmarcArticlesDescribe()
    {
        var (exitCode, output, error) = await RunAsync("--config", _config, "--domain", "example.com");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output.Split('\n').Select(l => l.TrimEnd()), Is.EqualTo(new[]
        {
            "example.com  2026-11-08 12:00 to 2026-11-23 12:00 UTC",
            "  messages      30",
            "  compliant     24 (80%) from 2 sources",
            "  not compliant 6 (20%) from 2 sources",
            "  quarantined   2",
            "  rejected      4",
            "  spf           19 pass, 11 fail",
            "  dkim          24 pass, 6 fail",
            "  sources:",
            "    192.0.2.10                              19 messages, 19 compliant",
            "    192.0.2.11                              5 messages, 5 compliant",
            "    198.51.100.7                            4 messages, 0 compliant",
            "    203.0.113.25                            2 messages, 0 compliant",
            "  reporters:",
            "    google.com <noreply-dmarc-support@google.example>: 1 report, 22 messages",
            "    Outlook.com <dmarcreport@outlook.example>: 1 report, 8 messages",
            "  reports:",
            "    2026-11-20 00:00 to 2026-11-20 23:59  google.com  4417083127765329102  22 messages",
            "    2026-11-20 00:00 to 2026-11-21 00:00  Outlook.com  9c1f0e6a52b84d7e8a3b0f27d4c61e95  8 messages",
            string.Empty,
            string.Empty,
        }));
    }

    [Test]
    public async Task Run_AllDomains_OneBlockPerDomainInNameOrder()
    {
        var (exitCode, output, _) = await RunAsync("--config", _config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output.Split('\n').Where(l => l.StartsWith("example.", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]), Is.EqualTo(new[] { "example.com", "example.net" }));
    }

    [Test]
    public async Task Run_Json_GivesTheCountsSourcesAndDays()
    {
        var (exitCode, output, _) = await RunAsync("--config", _config, "--json", "--domain", "example.net");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        using var json = JsonDocument.Parse(output);
        var net = json.RootElement.EnumerateArray().Single();
        Assert.That(net.GetProperty("domain").GetString(), Is.EqualTo("example.net"));
        Assert.That(net.GetProperty("messages").GetInt64(), Is.EqualTo(3));
        Assert.That(net.GetProperty("compliant").GetInt64(), Is.EqualTo(2));
        Assert.That(net.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("address").GetString()), Is.EqualTo(new[] { "203.0.113.5", "2001:db8::25" }));
        Assert.That(
            net.GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("day").GetString(), d.GetProperty("passed").GetInt64(), d.GetProperty("failed").GetInt64())),
            Is.EqualTo(new[] { ("2026-11-21", 2L, 0L), ("2026-11-22", 0L, 1L) }));
    }

    [Test]
    public async Task Run_DomainWithoutReports_SaysThereAreNone()
    {
        var (exitCode, output, _) = await RunAsync("--config", _config, "--domain", "Example.ORG.", "--days", "1");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output.Trim(), Is.EqualTo("no reports received for example.org in the last 1 day"));
    }

    [TestCase("0")]
    [TestCase("3651")]
    [TestCase("ten")]
    public async Task Run_BadDays_IsAUsageError(string days)
    {
        var (exitCode, _, error) = await RunAsync("--config", _config, "--days", days);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.StartWith($"authmilter report summary: --days must be a whole number from 1 to 3650, not {days}"));
    }

    [Test]
    public async Task Run_ReportStoreNone_IsAConfigError()
    {
        var config = ReportIngestCommandTests.WriteConfig(_directory, "none", "none.conf");

        var (exitCode, _, _) = await RunAsync("--config", config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Config));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ReportSummaryCommand.RunAsync(args, output, error, new FixedClock(Now));
        return (exitCode, output.ToString(), error.ToString());
    }
}
