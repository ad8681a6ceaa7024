using Milter.TestKit;
using Milter.Dns;
using Milter.Reporting.Outgoing;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportSchedulerTests
{
    private static readonly ReportPeriod NextDay = new(ReportSamples.Day.End, ReportSamples.Day.End.AddDays(1));

    [Test]
    public void DuePeriod_BeforeTheSettleDelay_ThePeriodBefore()
    {
        Assert.That(ReportScheduler.DuePeriod(NextDay.Begin.AddMinutes(4), TimeSpan.FromDays(1)), Is.EqualTo(ReportSamples.Day.Previous));
        Assert.That(ReportScheduler.DuePeriod(NextDay.Begin.AddMinutes(5), TimeSpan.FromDays(1)), Is.EqualTo(ReportSamples.Day));
    }

    [Test]
    public async Task RunAsync_SendsTheDuePeriodAtStartThenEachPeriodAfterItsEndAndTheDelay()
    {
        var (store, submitter) = (new FakeReportStore(), new RecordingSubmitter());
        store.AddHistory(ReportSamples.Day, ReportSamples.History());
        store.AddHistory(NextDay, ReportSamples.History());
        var clock = new ManualTimeProvider(ReportSamples.Day.End.AddMinutes(10));
        using var stop = new CancellationTokenSource();
        var run = Scheduler(store, submitter, clock).RunAsync(stop.Token);

        await Until(() => submitter.Accepted.Count == 1 && clock.PendingTimers == 1);
        Assert.That(store.Delivery("example.com", ReportSamples.Day, "mailto:dmarc@example.com")?.Status, Is.EqualTo(ReportDeliveryStatus.Sent));

        clock.Advance(NextDay.End.AddMinutes(4) - clock.GetUtcNow());
        Assert.That(submitter.Accepted, Has.Count.EqualTo(1), "not before the settle delay has passed");

        clock.Advance(TimeSpan.FromMinutes(1));
        await Until(() => submitter.Accepted.Count == 2);
        Assert.That(store.Delivery("example.com", NextDay, "mailto:dmarc@example.com")?.Status, Is.EqualTo(ReportDeliveryStatus.Sent));

        await stop.CancelAsync();
        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task RunAsync_RunFails_LoopGoesOnWithTheNextPeriod()
    {
        var (store, submitter) = (new FakeReportStore(), new RecordingSubmitter());
        store.AddHistory(NextDay, ReportSamples.History());
        store.Fault = new InvalidOperationException("database is locked");
        var clock = new ManualTimeProvider(ReportSamples.Day.End.AddMinutes(10));
        using var stop = new CancellationTokenSource();
        var run = Scheduler(store, submitter, clock).RunAsync(stop.Token);

        await Until(() => clock.PendingTimers == 1);
        Assert.That(run.IsCompleted, Is.False);

        clock.Advance(NextDay.End.AddMinutes(5) - clock.GetUtcNow());
        await Until(() => submitter.Accepted.Count == 1);

        await stop.CancelAsync();
        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
    }

    private static ReportScheduler Scheduler(FakeReportStore store, RecordingSubmitter submitter, TimeProvider clock)
    {
        var options = ReportSamples.Options();
        var sender = new ReportSender(store, new ReportBuilder(options, "treewalk"), new ReportDestinationVerifier(new InMemoryDnsResolver()), submitter, options, clock);
        return new ReportScheduler(sender, options, clock);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for the scheduler");
            await Task.Delay(10);
        }
    }
}
