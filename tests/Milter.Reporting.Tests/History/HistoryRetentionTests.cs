using Milter.TestKit;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Milter.Reporting.History;
using Milter.Reporting.Tests.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.History;

[TestFixture]
public sealed class HistoryRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RunAsync_PurgesAtStartAndEveryHour_WithTheRetentionCutOff()
    {
        var store = new FakeHistoryStore();
        var time = new ManualTimeProvider(Now);
        var logger = new ListLogger();
        using var stop = new CancellationTokenSource();
        var run = new HistoryRetention(store, 30, logger, time).RunAsync(stop.Token);

        await WaitUntil(() => store.Purges.Count == 1 && time.PendingTimers == 1);
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(store.Purges, Has.Count.EqualTo(1));
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitUntil(() => store.Purges.Count == 2);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(store.Purges, Is.EqualTo(new[] { Now.AddDays(-30), Now.AddHours(1).AddDays(-30) }));
        Assert.That(logger.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message), Has.All.Contains("7"));
    }

    [Test]
    public async Task RunAsync_StoreFails_LogsAndTriesAgainNextHour()
    {
        var store = new FakeHistoryStore { FailuresLeft = 1 };
        var time = new ManualTimeProvider(Now);
        var logger = new ListLogger();
        using var stop = new CancellationTokenSource();
        var run = new HistoryRetention(store, 7, logger, time).RunAsync(stop.Token);

        await WaitUntil(() => store.Purges.Count == 1 && time.PendingTimers == 1);
        Assert.That(logger.Count(LogLevel.Error), Is.EqualTo(1));
        time.Advance(HistoryRetention.Interval);
        await WaitUntil(() => store.Purges.Count == 2 && time.PendingTimers == 1);
        await stop.CancelAsync();

        Assert.That(async () => await run.WaitAsync(TimeSpan.FromSeconds(20)), Throws.Nothing);
        Assert.That(logger.Count(LogLevel.Information), Is.EqualTo(1));
    }

    [Test]
    public void Constructor_RetentionNotPositive_Throws() =>
        Assert.That(() => new HistoryRetention(new FakeHistoryStore(), 0, new ListLogger()), Throws.InstanceOf<ArgumentOutOfRangeException>());

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                Assert.Fail("The condition did not hold within 20 seconds.");
            }

            await Task.Delay(10);
        }
    }
}
