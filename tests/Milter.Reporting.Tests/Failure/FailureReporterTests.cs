using Milter.TestKit;
using Microsoft.Extensions.Logging;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Dns;
using Milter.Reporting.Failure;
using Milter.Reporting.Outgoing;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Failure;

public class FailureReporterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private FakeMailSubmitter _submitter = null!;
    private InMemoryDnsResolver _dns = null!;
    private ListLogger _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _submitter = new FakeMailSubmitter();
        _dns = new InMemoryDnsResolver();
        _logger = new ListLogger();
    }

    [Test]
    public void TryQueue_FailureReportsOff_ReturnsFalseAndSaysWhy()
    {
        var reporter = Reporter(new ReportingOptions { Contact = "dmarc@receiver.example" });

        Assert.Multiple(() =>
        {
            Assert.That(reporter.TryQueue(FailureRequests.Create()), Is.False);
            Assert.That(_logger.Entries.Single(e => e.Level == LogLevel.Debug).Message, Does.Contain("4AB12C").And.Contain("FailureReports is off"));
            Assert.That(reporter.Dropped, Is.Zero);
        });
    }

    [Test]
    public void TryQueue_Fo0WithAlignedSpfPass_ReturnsFalse_Fo1ReturnsTrue()
    {
        var reporter = Reporter(Options());
        var spfPass = new FailureReportSpf("example.com", SpfResult.Pass, Aligned: true);

        var fo0 = reporter.TryQueue(FailureRequests.Create("0") with { Spf = spfPass, DmarcResult = DmarcResult.Pass });
        var fo1 = reporter.TryQueue(FailureRequests.Create("1") with { Spf = spfPass, DmarcResult = DmarcResult.Pass });

        Assert.Multiple(() =>
        {
            Assert.That(fo0, Is.False);
            Assert.That(fo1, Is.True);
            Assert.That(_logger.Entries.Single(e => e.Level == LogLevel.Debug).Message, Does.Contain("fo=0"));
        });
    }

    [TestCase(DmarcResult.None)]
    [TestCase(DmarcResult.TempError)]
    [TestCase(DmarcResult.PermError)]
    public void TryQueue_DmarcResultWithoutAlignment_ReturnsFalse(DmarcResult result)
    {
        var reporter = Reporter(Options());

        Assert.That(reporter.TryQueue(FailureRequests.Create() with { DmarcResult = result }), Is.False);
    }

    [Test]
    public void TryQueue_NoRufOrPsdRecordOrNull_ReturnsFalse()
    {
        var reporter = Reporter(Options());

        Assert.Multiple(() =>
        {
            Assert.That(reporter.TryQueue(FailureRequests.Create() with { ReportUris = [] }), Is.False);
            Assert.That(reporter.TryQueue(FailureRequests.Create() with { PublicSuffixDomainRecord = true }), Is.False);
            Assert.That(reporter.TryQueue(null!), Is.False);
        });
    }

    [Test]
    public void TryQueue_PastRate_ReturnsFalseAndCountsDropped()
    {
        var options = Options();
        options.FailureReportRate = 2;
        var reporter = Reporter(options);

        var queued = Enumerable.Range(0, 3).Select(_ => reporter.TryQueue(FailureRequests.Create())).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(queued, Is.EqualTo(new[] { true, true, false }));
            Assert.That(reporter.Dropped, Is.EqualTo(1));
            Assert.That(_logger.Entries.Last().Message, Does.Contain("in the last hour"));
        });
    }

    [Test]
    public void TryQueue_QueueFull_ReturnsFalseAndCountsDropped()
    {
        var options = Options();
        options.FailureReportRate = 1_000;
        var reporter = Reporter(options);

        var queued = Enumerable.Range(0, FailureReporter.QueueCapacity + 1).Select(_ => reporter.TryQueue(FailureRequests.Create())).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(queued.Count(q => q), Is.EqualTo(FailureReporter.QueueCapacity));
            Assert.That(queued[^1], Is.False);
            Assert.That(reporter.Dropped, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RunAsync_InternalDestination_SendsReportFromContact()
    {
        var reporter = Reporter(Options());

        Assert.That(reporter.TryQueue(FailureRequests.Create()), Is.True);
        await RunUntil(reporter, () => reporter.Sent == 1);

        var (message, sender, recipients) = _submitter.Submitted.Single();
        Assert.Multiple(() =>
        {
            Assert.That(sender.Address, Is.EqualTo("dmarc@receiver.example"));
            Assert.That(recipients.Select(r => r.Address), Is.EqualTo(new[] { "ruf@example.com" }));
            Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("ruf@example.com"));
            Assert.That(message.Body?.ContentType.MimeType, Is.EqualTo("multipart/report"));
            Assert.That(_dns.QueryCount, Is.Zero, "a destination in the policy domain needs no authorization");
        });
    }

    [Test]
    public async Task RunAsync_SuppressedAddressOrDomainAndOtherSchemes_AreSkipped()
    {
        var options = Options();
        options.Suppress = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "ruf@example.com", "reports.example.com" };
        var reporter = Reporter(options);
        var request = FailureRequests.Create("0",
            "mailto:RUF@example.com", "mailto:any@reports.example.com", "https://example.com/ruf", "mailto:ok@example.com");

        reporter.TryQueue(request);
        await RunUntil(reporter, () => reporter.Sent == 1);

        Assert.Multiple(() =>
        {
            Assert.That(_submitter.Submitted.Select(s => s.Recipients.Single().Address), Is.EqualTo(new[] { "ok@example.com" }));
            Assert.That(reporter.Dropped, Is.Zero);
            Assert.That(_logger.Entries.Count(e => e.Message.Contains("suppressed by ReportSuppress")), Is.EqualTo(2));
            Assert.That(_logger.Entries.Count(e => e.Message.Contains("only mailto:")), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RunAsync_ExternalDestinations_SentOnlyWhenAuthorized()
    {
        _dns.AddTxt("example.com._report._dmarc.authorized.example", "v=DMARC1");
        _dns.AddTemporaryError("example.com._report._dmarc.flaky.example");
        var reporter = Reporter(Options());
        var request = FailureRequests.Create("0",
            "mailto:ruf@unauthorized.example", "mailto:ruf@flaky.example", "mailto:ruf@authorized.example");

        reporter.TryQueue(request);
        await RunUntil(reporter, () => reporter.Sent == 1);

        Assert.Multiple(() =>
        {
            Assert.That(_submitter.Submitted.Select(s => s.Recipients.Single().Address), Is.EqualTo(new[] { "ruf@authorized.example" }));
            Assert.That(reporter.Dropped, Is.EqualTo(2));
            Assert.That(_logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.Some.Contains("did not authorize"));
            Assert.That(_logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.Some.Contains("temporary error"));
        });
    }

    [Test]
    public async Task RunAsync_SubmissionRefused_LogsAndGoesOnWithoutRetry()
    {
        _submitter.Refuse.Add("first@example.com");
        var reporter = Reporter(Options());

        reporter.TryQueue(FailureRequests.Create("0", "mailto:first@example.com", "mailto:second@example.com"));
        await RunUntil(reporter, () => reporter.Sent == 1);

        Assert.Multiple(() =>
        {
            Assert.That(_submitter.Submitted.Select(s => s.Recipients.Single().Address), Is.EqualTo(new[] { "second@example.com" }));
            Assert.That(reporter.Dropped, Is.EqualTo(1));
            Assert.That(_logger.Entries.Single(e => e.Level == LogLevel.Warning).Message, Does.Contain("first@example.com").And.Contain("not retried"));
        });
    }

    [Test]
    public void RunAsync_Cancelled_EndsWithoutThrowing()
    {
        var reporter = Reporter(Options());
        using var stop = new CancellationTokenSource();

        var run = reporter.RunAsync(stop.Token);
        stop.Cancel();

        Assert.That(async () => await run.WaitAsync(TimeSpan.FromSeconds(10)), Throws.Nothing);
    }

    [TestCase("not an address")]
    [TestCase("postmaster")]
    public void Constructor_FailureReportsOnWithBadContact_Throws(string contact)
    {
        var options = Options();
        options.Contact = contact;

        Assert.That(() => Reporter(options), Throws.ArgumentException.With.Message.Contains("ReportContact"));
    }

    [Test]
    public void Constructor_FailureReportsOnWithNegativeRate_Throws()
    {
        var options = Options();
        options.FailureReportRate = -1;

        Assert.That(() => Reporter(options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static ReportingOptions Options() => new() { FailureReports = true, Contact = "dmarc@receiver.example" };

    private FailureReporter Reporter(ReportingOptions options) =>
        new(options, _submitter, new ReportDestinationVerifier(_dns), _logger, new ManualTimeProvider(Now));

    /// <summary>Runs the sender until <paramref name="done"/> holds (reports are sent in queue and URI order), then stops it.</summary>
    private static async Task RunUntil(FailureReporter reporter, Func<bool> done)
    {
        using var stop = new CancellationTokenSource();
        var run = reporter.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run;
        Assert.That(done(), Is.True, "the reporter did not get there within 10 s");
    }
}
