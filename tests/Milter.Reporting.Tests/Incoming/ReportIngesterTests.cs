using System.Net;
using Milter.Reporting.Incoming;
using Milter.Reporting.Storage;
using MimeKit;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

/// <summary>The ingester against a real SQLite store in a temporary directory.</summary>
public class ReportIngesterTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private string _directory = null!;
    private IReportStore _store = null!;
    private ReportIngester _ingester = null!;

    [SetUp]
    public async Task OpenStoreAsync()
    {
        _directory = Directory.CreateTempSubdirectory("report-ingester-").FullName;
        _store = ReportStores.Open($"sqlite:{Path.Combine(_directory, "history.db")}")!;
        await _store.MigrateAsync(CancellationToken.None);
        _ingester = new ReportIngester(_store, time: new StoppedClock(Received));
    }

    [TearDown]
    public async Task CloseStoreAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task IngestAsync_ReportsInEveryStyle_StoresEachAndTheyReadBack()
    {
        var result = await IngestAsync(ReportMails.Google(), ReportMails.Outlook(), ReportMails.Yahoo(), ReportMails.Load("plain-xml.eml"), ReportMails.Load("minimal-report.eml"));

        Assert.That(result, Is.EqualTo(new ReportIngestResult(5, 5, 0, 0, 0, result.Problems, result.Warnings)));
        Assert.That(result.Problems, Is.Empty);
        var stored = await _store.IncomingReportsAsync(null, DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.That(
            stored.Select(r => r.Metadata.ReportId),
            Is.EquivalentTo(new[] { "4417083127765329102", "9c1f0e6a52b84d7e8a3b0f27d4c61e95", "1795305600.681234", "mx1.2026-11-21", "7" }));

        var summaries = ReportSummarizer.Summarize(stored, Received.AddDays(-15), Received);
        var com = summaries.Single(s => s.Domain == "example.com");
        Assert.That((com.Messages, com.Compliant, com.Quarantined, com.Rejected), Is.EqualTo((34L, 28L, 2L, 4L)));
        Assert.That((com.SpfPass, com.SpfFail, com.DkimPass, com.DkimFail), Is.EqualTo((23L, 11L, 28L, 6L)));
        Assert.That(com.Reporters.Select(r => (r.OrgName, r.Messages)), Is.EqualTo(new[] { ("google.com", 22L), ("Outlook.com", 8L), ("Yahoo", 4L) }));
        var net = summaries.Single(s => s.Domain == "example.net");
        Assert.That((net.Messages, net.Compliant), Is.EqualTo((3L, 2L)));
        Assert.That(net.Sources.Select(s => s.Address), Is.EqualTo(new[] { IPAddress.Parse("203.0.113.5"), IPAddress.Parse("2001:db8::25") }));
    }

    [Test]
    public async Task IngestAsync_SameReportTwice_StoresItOnce()
    {
        var first = await IngestAsync(ReportMails.Google());
        var second = await IngestAsync(ReportMails.Google(), ReportMails.Google());

        Assert.That((first.Stored, first.Duplicates), Is.EqualTo((1, 0)));
        Assert.That((second.Stored, second.Duplicates), Is.EqualTo((0, 2)));
        Assert.That(await _store.IncomingReportsAsync("example.com", DateTimeOffset.UnixEpoch, CancellationToken.None), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task IngestAsync_MessageWithoutReport_IsCountedAndNamed()
    {
        var result = await IngestAsync(ReportMails.Load("not-a-report.eml"));

        Assert.That((result.Messages, result.NotReports, result.Stored, result.Malformed), Is.EqualTo((1, 1, 0, 0)));
        Assert.That(result.Problems, Is.EqualTo(new[] { "message 1 (Message-ID <question-1@example.org>): not a report: no XML, gzip or zip part" }));
    }

    [Test]
    public async Task IngestAsync_ZipBomb_IsMalformedAndTheNextMessageIsStillStored()
    {
        var result = await IngestAsync(ReportMails.WithZip(("bomb.xml", new byte[16 * 1024 * 1024])), ReportMails.Yahoo());

        Assert.That((result.Malformed, result.Stored), Is.EqualTo((1, 1)));
        Assert.That(result.Problems.Single(), Does.StartWith("message 1 (Message-ID <zip@example.org>): report.zip/bomb.xml: inflates more than 200 times"));
    }

    [Test]
    public async Task IngestAsync_XmlThatIsNotAReport_IsMalformedNamingTheDocument()
    {
        var message = ReportMails.Load("plain-xml.eml");
        var part = message.BodyParts.OfType<TextPart>().Single(p => p.ContentType.MimeType == "text/xml");
        part.Text = "<?xml version=\"1.0\"?><html><body/></html>";

        var result = await IngestAsync(message);

        Assert.That((result.Malformed, result.Stored), Is.EqualTo((1, 0)));
        Assert.That(result.Problems.Single(), Does.StartWith("message 1 (Message-ID <report-2026-11-21@mail.example.net>): mail.example.net!example.net!1795219200!1795305600.xml: "));
    }

    [Test]
    public async Task IngestAsync_UnparsableMessage_IsMalformedWithTheParseError()
    {
        var result = await _ingester.IngestAsync([MailboxReader.ReadSingle(new MemoryStream(), "stdin")], CancellationToken.None);

        Assert.That((result.Messages, result.Malformed), Is.EqualTo((1, 1)));
        Assert.That(result.Problems.Single(), Does.StartWith("stdin: not a MIME message"));
    }

    [Test]
    public void IngestAsync_Cancelled_Throws()
    {
        Assert.That(
            () => _ingester.IngestAsync([new MailboxMessage("m", ReportMails.Yahoo(), null)], new CancellationToken(canceled: true)),
            Throws.InstanceOf<OperationCanceledException>());
    }

    private Task<ReportIngestResult> IngestAsync(params MimeMessage[] messages) =>
        _ingester.IngestAsync(messages.Select((m, i) => new MailboxMessage($"message {i + 1}", m, null)), CancellationToken.None);

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
