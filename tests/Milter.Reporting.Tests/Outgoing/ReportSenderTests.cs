using Milter.Dns;
using Milter.Reporting.Mail;
using Milter.Reporting.Outgoing;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportSenderTests
{
    private const string Rua = "mailto:dmarc@example.com";

    private FakeReportStore _store = null!;
    private RecordingSubmitter _submitter = null!;
    private InMemoryDnsResolver _dns = null!;
    private ReportingOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new FakeReportStore();
        _submitter = new RecordingSubmitter();
        _dns = new InMemoryDnsResolver();
        _options = ReportSamples.Options();
    }

    [Test]
    public async Task SendAsync_OwnDomainDestination_SubmittedAndMarkedSent()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        var destination = result.Destinations.Single();
        Assert.That((destination.Domain, destination.Destination, destination.Outcome), Is.EqualTo(("example.com", Rua, ReportDestinationOutcome.Sent)));
        var (message, sender, recipients) = _submitter.Accepted.Single();
        Assert.That(sender.Address, Is.EqualTo("dmarc-reports@receiver.example"));
        Assert.That(recipients.Single().Address, Is.EqualTo("dmarc@example.com"));
        Assert.That(message.Subject, Does.Contain($"Report-ID: <{destination.ReportId}>"));
        var delivery = _store.Delivery("example.com", ReportSamples.Day, Rua)!;
        Assert.That((delivery.Status, delivery.Attempts, delivery.LastError, delivery.ReportId, delivery.Size),
            Is.EqualTo((ReportDeliveryStatus.Sent, 1, (string?)null, destination.ReportId, destination.Size)));
        Assert.That(_store.LeaseHolder, Is.Null, "the lease is given back");
    }

    [Test]
    public async Task SendAsync_SubmitterRefuses_PendingNotSent_ThenSentOnTheNextRun()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());
        _submitter.Failure = new ReportDeliveryException("451 4.3.0 try later");

        var first = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(first.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Failed));
        Assert.That(first.AnyFailed, Is.True);
        var pending = _store.Delivery("example.com", ReportSamples.Day, Rua)!;
        Assert.That((pending.Status, pending.Attempts, pending.LastError), Is.EqualTo((ReportDeliveryStatus.Pending, 1, "451 4.3.0 try later")));

        _submitter.Failure = null;
        var next = ReportSamples.Day with { Begin = ReportSamples.Day.End, End = ReportSamples.Day.End.AddDays(1) };
        var second = await Sender().SendAsync(next, dryRun: false, CancellationToken.None);

        Assert.That(second.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Sent));
        Assert.That(second.Destinations.Single().Period, Is.EqualTo(ReportSamples.Day));
        var sent = _store.Delivery("example.com", ReportSamples.Day, Rua)!;
        Assert.That((sent.Status, sent.Attempts, sent.ReportId), Is.EqualTo((ReportDeliveryStatus.Sent, 2, pending.ReportId)));
        Assert.That(_submitter.Accepted, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_AlreadySent_NothingSubmittedAgain()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());
        await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        var again = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(again.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.AlreadyDone));
        Assert.That(_submitter.Accepted, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_PendingOlderThanTheRetryWindow_NotRetried()
    {
        var old = new ReportPeriod(ReportSamples.Day.Begin.AddDays(-8), ReportSamples.Day.Begin.AddDays(-7));
        _store.AddHistory(old, ReportSamples.History());
        _submitter.Failure = new ReportDeliveryException("connection refused");
        await Sender().SendAsync(old, dryRun: false, CancellationToken.None);
        _submitter.Failure = null;

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations, Is.Empty);
        Assert.That(_submitter.Accepted, Is.Empty);
    }

    [TestCase("dmarc@example.com")]
    [TestCase("EXAMPLE.com")]
    public async Task SendAsync_SuppressedAddressOrDomain_Skipped(string suppressed)
    {
        _options.Suppress = new HashSet<string>([suppressed], StringComparer.OrdinalIgnoreCase);
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Skipped));
        Assert.That(_store.Delivery("example.com", ReportSamples.Day, Rua)!.Status, Is.EqualTo(ReportDeliveryStatus.Skipped));
        Assert.That(_submitter.Accepted, Is.Empty);
    }

    [Test]
    public async Task SendAsync_ReportOverTheRuaSizeLimit_SkippedWithTheSizes()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:dmarc@example.com!100"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        var destination = result.Destinations.Single();
        Assert.That(destination.Outcome, Is.EqualTo(ReportDestinationOutcome.Skipped));
        Assert.That(destination.Detail, Does.Contain("100-byte limit"));
        Assert.That(_submitter.Accepted, Is.Empty);
    }

    [Test]
    public async Task SendAsync_ReportWithinTheRuaSizeLimit_Sent()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:dmarc@example.com!10m"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Sent));
    }

    [Test]
    public async Task SendAsync_NotMailto_SkippedOthersStillSent()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=https://example.com/dmarc,mailto:dmarc@example.com"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Select(d => (d.Destination, d.Outcome)), Is.EqualTo(new[]
        {
            ("https://example.com/dmarc", ReportDestinationOutcome.Skipped),
            (Rua, ReportDestinationOutcome.Sent),
        }));
    }

    [Test]
    public async Task SendAsync_ExternalDestinationNotAuthorized_Skipped()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:reports@thirdparty.example"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Skipped));
        Assert.That(result.Destinations.Single().Detail, Does.Contain("example.com._report._dmarc.thirdparty.example"));
        Assert.That(_submitter.Accepted, Is.Empty);
    }

    [Test]
    public async Task SendAsync_ExternalDestinationAuthorized_Sent()
    {
        _dns.AddTxt("example.com._report._dmarc.thirdparty.example", "v=DMARC1");
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:reports@thirdparty.example"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Sent));
        Assert.That(_submitter.Accepted.Single().Recipients.Single().Address, Is.EqualTo("reports@thirdparty.example"));
    }

    [Test]
    public async Task SendAsync_VerificationTemporaryError_DeferredAsPending()
    {
        _dns.AddTemporaryError("example.com._report._dmarc.thirdparty.example");
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:reports@thirdparty.example"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Single().Outcome, Is.EqualTo(ReportDestinationOutcome.Deferred));
        Assert.That(result.AnyFailed, Is.False);
        Assert.That(_store.Deliveries.Single().Status, Is.EqualTo(ReportDeliveryStatus.Pending));
    }

    [Test]
    public async Task SendAsync_LeaseHeldByAnotherHolder_NothingSentOrRecorded()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());
        _store.LeaseHolder = "other-host:4242";

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.LeaseHeldElsewhere, Is.True);
        Assert.That(result.Destinations, Is.Empty);
        Assert.That(_submitter.Accepted, Is.Empty);
        Assert.That(_store.Saves, Is.Zero);
        Assert.That(_store.LeaseHolder, Is.EqualTo("other-host:4242"));
    }

    [Test]
    public async Task SendAsync_DryRun_SaysWhereItWouldGoAndWritesNothing()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(record: "v=DMARC1; p=none; rua=mailto:dmarc@example.com,mailto:reports@thirdparty.example"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: true, CancellationToken.None);

        Assert.That(result.Destinations.Select(d => d.Outcome), Is.EqualTo(new[] { ReportDestinationOutcome.WouldSend, ReportDestinationOutcome.Skipped }));
        Assert.That(result.Destinations[0].Detail, Does.Contain("receiver.example!example.com!1795305600!1795392000.xml.gz").And.Contain("dmarc@example.com"));
        Assert.That(_submitter.Accepted, Is.Empty);
        Assert.That(_store.Saves, Is.Zero);
    }

    [Test]
    public async Task SendAsync_NoHistory_NothingToDo()
    {
        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations, Is.Empty);
        Assert.That(result.AnyFailed, Is.False);
    }

    [Test]
    public async Task SendAsync_ReportThatCannotBeWritten_FailedAndOtherDomainsStillSent()
    {
        _store.AddHistory(ReportSamples.Day, new PeriodHistory("empty.example", "v=DMARC1; p=none; rua=mailto:d@empty.example", []));
        _store.AddHistory(ReportSamples.Day, ReportSamples.History());

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That(result.Destinations.Select(d => (d.Domain, d.Outcome)), Is.EqualTo(new[]
        {
            ("empty.example", ReportDestinationOutcome.Failed),
            ("example.com", ReportDestinationOutcome.Sent),
        }));
    }

    [Test]
    public async Task SendAsync_DomainThatCannotNameAFile_FailedNothingSubmitted()
    {
        _store.AddHistory(ReportSamples.Day, ReportSamples.History(domain: "bad!domain"));

        var result = await Sender().SendAsync(ReportSamples.Day, dryRun: false, CancellationToken.None);

        Assert.That((result.Destinations.Single().Destination, result.Destinations.Single().Outcome), Is.EqualTo(("-", ReportDestinationOutcome.Failed)));
        Assert.That(_submitter.Accepted, Is.Empty);
    }

    [Test]
    public void Constructor_ContactWithoutDomain_Throws()
    {
        _options.Contact = "postmaster";

        Assert.That(Sender, Throws.ArgumentException);
    }

    private ReportSender Sender() => new(
        _store,
        new ReportBuilder(_options, "treewalk"),
        new ReportDestinationVerifier(_dns),
        _submitter,
        _options,
        new FixedTime(ReportSamples.Day.End.AddMinutes(5)));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
