using System.Net;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Incoming;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

public class ReportSummarizerTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = Day1.AddDays(-10);
    private static readonly DateTimeOffset To = Day1.AddDays(5);

    [Test]
    public void Summarize_ReportsOfTwoReporters_CountsEveryMemberExactly()
    {
        var google = Report("google.com", "g1", Day1, "example.com",
            Record("192.0.2.10", 12, "none", "pass", "pass"),
            Record("192.0.2.11", 5, "none", "pass", "fail"),
            Record("198.51.100.7", 3, "reject", "fail", "fail"),
            Record("203.0.113.25", 2, "quarantine", "fail", "fail"));
        var outlook = Report("Outlook.com", "o1", Day1, "example.com",
            Record("192.0.2.10", 7, "none", "pass", "pass"),
            Record("198.51.100.7", 1, "reject", "fail", "fail"));
        var google2 = Report("google.com", "g2", Day1.AddDays(1), "example.com",
            Record("192.0.2.10", 4, "none", "fail", "pass"));

        var summary = ReportSummarizer.Summarize([outlook, google2, google], From, To).Single();

        Assert.That(summary.Domain, Is.EqualTo("example.com"));
        Assert.That((summary.From, summary.To), Is.EqualTo((From, To)));
        Assert.That(summary.Messages, Is.EqualTo(34));
        Assert.That(summary.Compliant, Is.EqualTo(28));
        Assert.That(summary.Quarantined, Is.EqualTo(2));
        Assert.That(summary.Rejected, Is.EqualTo(4));
        Assert.That((summary.SpfPass, summary.SpfFail), Is.EqualTo((23L, 11L)));
        Assert.That((summary.DkimPass, summary.DkimFail), Is.EqualTo((24L, 10L)));
        Assert.That(summary.Sources, Is.EqualTo(new[]
        {
            new SourceSummary(IPAddress.Parse("192.0.2.10"), 23, 23),
            new SourceSummary(IPAddress.Parse("192.0.2.11"), 5, 5),
            new SourceSummary(IPAddress.Parse("198.51.100.7"), 4, 0),
            new SourceSummary(IPAddress.Parse("203.0.113.25"), 2, 0),
        }));
        Assert.That(summary.Reporters, Is.EqualTo(new[]
        {
            new ReporterSummary("google.com", "rua@google.com.example", 2, 26),
            new ReporterSummary("Outlook.com", "rua@Outlook.com.example", 1, 8),
        }));
        Assert.That(summary.Days, Is.EqualTo(new[] { new DaySummary(new DateOnly(2026, 11, 20), 24, 6), new DaySummary(new DateOnly(2026, 11, 21), 4, 0) }));
        Assert.That(summary.Reports, Is.EqualTo(new[]
        {
            new ReportListing("google.com", "g1", Day1, Day1.AddDays(1), 22),
            new ReportListing("Outlook.com", "o1", Day1, Day1.AddDays(1), 8),
            new ReportListing("google.com", "g2", Day1.AddDays(1), Day1.AddDays(2), 4),
        }));
    }

    [Test]
    public void Summarize_SeveralDomains_OneSummaryEachInNameOrder()
    {
        var summaries = ReportSummarizer.Summarize(
            [
                Report("r", "1", Day1, "example.net", Record("192.0.2.1", 1, "none", "pass", "pass")),
                Report("r", "2", Day1, "Example.COM", Record("192.0.2.1", 2, "none", "pass", "pass")),
                Report("r", "3", Day1, "example.com", Record("192.0.2.1", 3, "none", "pass", "pass")),
            ],
            From,
            To);

        Assert.That(summaries.Select(s => (s.Domain, s.Messages)), Is.EqualTo(new[] { ("example.com", 5L), ("example.net", 1L) }));
    }

    [Test]
    public void Summarize_SameReportTwice_CountsItOnce()
    {
        var report = Report("google.com", "g1", Day1, "example.com", Record("192.0.2.10", 12, "none", "pass", "pass"));

        var summary = ReportSummarizer.Summarize([report, report with { }], From, To).Single();

        Assert.That(summary.Messages, Is.EqualTo(12));
        Assert.That(summary.Reports, Has.Count.EqualTo(1));
    }

    [Test]
    public void Summarize_ReportsOutsideTheSpan_AreLeftOut()
    {
        var endsAtFrom = Report("r", "before", From.AddDays(-1), "example.com", Record("192.0.2.1", 1, "none", "pass", "pass"));
        var overlapsFrom = Report("r", "overlap", From.AddHours(-12), "example.com", Record("192.0.2.1", 2, "none", "pass", "pass"));
        var beginsAtTo = Report("r", "after", To, "example.com", Record("192.0.2.1", 4, "none", "pass", "pass"));

        var summary = ReportSummarizer.Summarize([endsAtFrom, overlapsFrom, beginsAtTo], From, To).Single();

        Assert.That(summary.Reports.Select(r => r.ReportId), Is.EqualTo(new[] { "overlap" }));
        Assert.That(summary.Messages, Is.EqualTo(2));
    }

    [Test]
    public void Summarize_NoReports_ReturnsNoSummaries()
    {
        Assert.That(ReportSummarizer.Summarize([], From, To), Is.Empty);
    }

    [Test]
    public void Summarize_MappedAndPlainIpv4_AreOneSource()
    {
        var summary = ReportSummarizer.Summarize(
            [Report("r", "1", Day1, "example.com", Record("192.0.2.1", 1, "none", "pass", "pass"), Record("::ffff:192.0.2.1", 2, "reject", "fail", "fail"))],
            From,
            To).Single();

        Assert.That(summary.Sources, Is.EqualTo(new[] { new SourceSummary(IPAddress.Parse("192.0.2.1"), 3, 1) }));
    }

    [Test]
    public void Summarize_SpanEndingBeforeItBegins_Throws()
    {
        Assert.That(() => ReportSummarizer.Summarize([], To, From), Throws.ArgumentException);
    }

    private static AggregateReport Report(string org, string id, DateTimeOffset begin, string domain, params ReportRecord[] records) => new(
        new ReportMetadata(org, $"rua@{org}.example", id, begin, begin.AddDays(1)),
        new PolicyPublished(domain) { P = "reject" },
        records);

    private static ReportRecord Record(string ip, long count, string disposition, string dkim, string spf) =>
        new(IPAddress.Parse(ip), count, new PolicyEvaluated(disposition, dkim, spf), "example.com");
}
