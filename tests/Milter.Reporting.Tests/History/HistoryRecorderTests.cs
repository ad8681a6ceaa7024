using Milter.TestKit;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Tests.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.History;

[TestFixture]
public sealed class HistoryRecorderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task RunAsync_QueuedEntries_WrittenInBatchesOfAtMost500()
    {
        var store = new FakeHistoryStore();
        var recorder = new HistoryRecorder(store, 2000, new ListLogger());
        for (var i = 0; i < 1200; i++)
        {
            Assert.That(recorder.TryRecord(Entry(i)), Is.True);
        }

        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);
        await WaitUntil(() => recorder.Written == 1200);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.That(store.Batches.Select(b => b.Count), Is.EqualTo(new[] { 500, 500, 200 }));
        Assert.That(store.Batches.SelectMany(b => b).Select(e => e.Row.SourceIp), Is.EqualTo(Enumerable.Range(0, 1200).Select(i => Entry(i).Row.SourceIp)));
        Assert.That(recorder.QueueDepth, Is.Zero);
        Assert.That(recorder.Dropped, Is.Zero);
    }

    [Test]
    public async Task RunAsync_EntriesArrivingWhileRunning_Written()
    {
        var store = new FakeHistoryStore();
        var recorder = new HistoryRecorder(store, 10, new ListLogger());
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        for (var i = 0; i < 30; i++)
        {
            await WaitUntil(() => recorder.QueueDepth < 10);
            Assert.That(recorder.TryRecord(Entry(i)), Is.True);
        }

        await WaitUntil(() => recorder.Written == 30);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        Assert.That(recorder.Dropped, Is.Zero);
    }

    [Test]
    public void TryRecord_QueueFull_ReturnsFalseAtOnceAndCountsTheDrop()
    {
        var recorder = new HistoryRecorder(new FakeHistoryStore(), 2, new ListLogger());
        Assert.That(recorder.TryRecord(Entry(1)), Is.True);
        Assert.That(recorder.TryRecord(Entry(2)), Is.True);

        var clock = Stopwatch.StartNew();
        var accepted = recorder.TryRecord(Entry(3));
        clock.Stop();

        Assert.That(accepted, Is.False);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(recorder.Dropped, Is.EqualTo(1));
        Assert.That(recorder.QueueDepth, Is.EqualTo(2));
    }

    [Test]
    public void TryRecord_DroppingForAMinute_WarnsOnce()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var logger = new ListLogger();
        var recorder = new HistoryRecorder(new FakeHistoryStore(), 1, logger, time);
        recorder.TryRecord(Entry(0));

        for (var i = 0; i < 50; i++)
        {
            recorder.TryRecord(Entry(i));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(logger.Count(LogLevel.Warning), Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(10));
        recorder.TryRecord(Entry(0));
        Assert.That(logger.Count(LogLevel.Warning), Is.EqualTo(2));
        Assert.That(recorder.Dropped, Is.EqualTo(51));
    }

    [Test]
    public async Task RunAsync_StoreFailsEveryTime_DropsTheBatchAfterTheLastAttemptAndKeepsRunning()
    {
        var store = new FakeHistoryStore { FailuresLeft = int.MaxValue };
        var logger = new ListLogger();
        var recorder = new HistoryRecorder(store, 100, logger) { RetryDelay = TimeSpan.FromMilliseconds(1) };
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        for (var i = 0; i < 3; i++)
        {
            Assert.That(recorder.TryRecord(Entry(i)), Is.True);
        }

        await WaitUntil(() => recorder.Dropped == 3);
        store.FailuresLeft = 0;
        Assert.That(recorder.TryRecord(Entry(9)), Is.True);
        await WaitUntil(() => recorder.Written == 1);
        await stop.CancelAsync();
        Assert.That(async () => await run.WaitAsync(Patience), Throws.Nothing);

        Assert.That(store.AppendCalls, Is.GreaterThanOrEqualTo(HistoryRecorder.MaxAttempts + 1));
        Assert.That(logger.Count(LogLevel.Error), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task RunAsync_StoreFailsTwice_WritesOnTheThirdAttempt()
    {
        var store = new FakeHistoryStore { FailuresLeft = 2 };
        var recorder = new HistoryRecorder(store, 100, new ListLogger()) { RetryDelay = TimeSpan.FromMilliseconds(1) };
        recorder.TryRecord(Entry(1));
        recorder.TryRecord(Entry(2));
        using var stop = new CancellationTokenSource();
        var run = recorder.RunAsync(stop.Token);

        await WaitUntil(() => recorder.Written == 2);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        Assert.That(store.AppendCalls, Is.EqualTo(3));
        Assert.That(recorder.Dropped, Is.Zero);
    }

    [Test]
    public async Task RunAsync_AlreadyCancelled_DrainsWhatIsQueued()
    {
        var store = new FakeHistoryStore();
        var recorder = new HistoryRecorder(store, 1000, new ListLogger());
        for (var i = 0; i < 600; i++)
        {
            recorder.TryRecord(Entry(i));
        }

        await recorder.RunAsync(new CancellationToken(canceled: true)).WaitAsync(Patience);

        Assert.That(recorder.Written, Is.EqualTo(600));
        Assert.That(recorder.QueueDepth, Is.Zero);
    }

    [Test]
    public async Task RunAsync_StoreHangsAtShutdown_GivesUpAfterTheDrainTimeoutAndCountsTheRest()
    {
        var store = new FakeHistoryStore { Gate = new TaskCompletionSource() };
        var recorder = new HistoryRecorder(store, 1000, new ListLogger()) { DrainTimeout = TimeSpan.FromMilliseconds(200) };
        for (var i = 0; i < 5; i++)
        {
            recorder.TryRecord(Entry(i));
        }

        await recorder.RunAsync(new CancellationToken(canceled: true)).WaitAsync(Patience);

        Assert.That(recorder.Written, Is.Zero);
        Assert.That(recorder.Dropped, Is.EqualTo(5));
        Assert.That(recorder.QueueDepth, Is.Zero);
    }

    [Test]
    public async Task DisposeAsync_WhileRunning_WritesWhatIsQueuedThenRefusesMore()
    {
        var store = new FakeHistoryStore { Gate = new TaskCompletionSource() };
        var recorder = new HistoryRecorder(store, 100, new ListLogger());
        var run = recorder.RunAsync(CancellationToken.None);
        recorder.TryRecord(Entry(1));
        recorder.TryRecord(Entry(2));

        var disposing = recorder.DisposeAsync().AsTask();
        store.Gate.SetResult();
        await disposing.WaitAsync(Patience);
        await run.WaitAsync(Patience);

        Assert.That(recorder.Written, Is.EqualTo(2));
        Assert.That(recorder.TryRecord(Entry(3)), Is.False);
        Assert.That(recorder.Dropped, Is.EqualTo(1));
    }

    [Test]
    public async Task DisposeAsync_StoreHangs_ReturnsAfterTheDrainTimeoutsAndCountsTheDrop()
    {
        var store = new FakeHistoryStore { Gate = new TaskCompletionSource() };
        var recorder = new HistoryRecorder(store, 100, new ListLogger()) { DrainTimeout = TimeSpan.FromMilliseconds(200) };
        var run = recorder.RunAsync(CancellationToken.None);
        recorder.TryRecord(Entry(1));
        await WaitUntil(() => store.AppendCalls == 1);

        await recorder.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.That(run.IsCompletedSuccessfully, Is.True);
        Assert.That(recorder.Dropped, Is.EqualTo(1));
        Assert.That(recorder.Written, Is.Zero);
    }

    [Test]
    public void Constructor_CapacityNotPositive_Throws() =>
        Assert.That(() => new HistoryRecorder(new FakeHistoryStore(), 0, new ListLogger()), Throws.InstanceOf<ArgumentOutOfRangeException>());

    private static HistoryEntry Entry(int n) =>
        new(DateTimeOffset.UnixEpoch.AddDays(20000), "example.com", "v=DMARC1; p=none",
            new ReportRecord(new IPAddress(n + 1), 1, new PolicyEvaluated("none", "pass", "pass"), "example.com"));

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"The condition did not hold within {Patience}.");
            }

            await Task.Delay(10);
        }
    }
}
