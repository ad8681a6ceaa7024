using System.Net;
using Milter.Dns.Tests.TestSupport;

namespace Milter.Dns.Tests;

public class CachingDnsResolverTests
{
    private ScriptedDnsResolver _inner = null!;
    private ManualTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _inner = new ScriptedDnsResolver();
        _time = new ManualTimeProvider();
    }

    [Test]
    public async Task QueryTxtAsync_WithinTtl_AnswersFromCache()
    {
        var answer = Txt("v=spf1 -all", TimeSpan.FromSeconds(60));
        _inner.Txt = _ => Task.FromResult(answer);
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        var second = await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(second, Is.SameAs(answer));
        Assert.That(_inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task QueryTxtAsync_TtlElapsed_AsksAgain()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromSeconds(60)));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60));
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task QueryTxtAsync_TtlOverMax_KeptOnlyForMax()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromDays(1)));
        var cache = Cache(o => o.CacheMaxTtl = TimeSpan.FromSeconds(10));

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(9));
        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(1), "within the maximum");

        _time.Advance(TimeSpan.FromSeconds(1));
        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(2), "at the maximum");
    }

    [Test]
    public async Task QueryTxtAsync_TtlUnderMin_KeptForMin()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromSeconds(5)));
        var cache = Cache(o => o.CacheMinTtl = TimeSpan.FromSeconds(30));

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(1), "within the minimum");

        _time.Advance(TimeSpan.FromSeconds(1));
        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(2), "at the minimum");
    }

    [Test]
    public async Task QueryTxtAsync_TtlZero_NotCached()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.Zero));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(_inner.Calls, Is.EqualTo(2));
        Assert.That(cache.Statistics.Entries, Is.Zero);
    }

    [Test]
    public async Task QueryTxtAsync_NoTtl_NotCached()
    {
        _inner.Txt = _ => Task.FromResult(DnsResponse<string>.FromRecords(["v=spf1 -all"]));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task QueryTxtAsync_MaxTtlZero_CachingOff()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        var cache = Cache(o => o.CacheMaxTtl = TimeSpan.Zero);

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [TestCase(DnsStatus.NameError)]
    [TestCase(DnsStatus.NoData)]
    public async Task QueryTxtAsync_NegativeAnswer_CachedForItsTtl(DnsStatus status)
    {
        var answer = DnsResponse<string>.Failure(status, "negative") with { TimeToLive = TimeSpan.FromSeconds(120) };
        _inner.Txt = _ => Task.FromResult(answer);
        var cache = Cache();

        await cache.QueryTxtAsync("nx.example.test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(119));
        var cached = await cache.QueryTxtAsync("nx.example.test", CancellationToken.None);
        Assert.That(cached, Is.SameAs(answer));
        Assert.That(_inner.Calls, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        await cache.QueryTxtAsync("nx.example.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [TestCase(DnsStatus.TemporaryError)]
    [TestCase(DnsStatus.PermanentError)]
    public async Task QueryTxtAsync_Error_NotCachedEvenWithTtl(DnsStatus status)
    {
        _inner.Txt = _ => Task.FromResult(DnsResponse<string>.Failure(status, "error") with { TimeToLive = TimeSpan.FromHours(1) });
        var cache = Cache();

        var first = await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(first.Status, Is.EqualTo(status));
        Assert.That(_inner.Calls, Is.EqualTo(2));
        Assert.That(cache.Statistics.Entries, Is.Zero);
    }

    [Test]
    public async Task QueryTxtAsync_TemporaryError_Counted()
    {
        _inner.Txt = _ => Task.FromResult(DnsResponse<string>.Failure(DnsStatus.TemporaryError, "timeout"));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(cache.Statistics.TemporaryErrors, Is.EqualTo(2));
    }

    [Test]
    public async Task QueryTxtAsync_NameInOtherCaseOrWithTrailingDot_SharesTheEntry()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        await cache.QueryTxtAsync("EXAMPLE.Test.", CancellationToken.None);

        Assert.That(_inner.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task QueryTxtAsync_TwoTrailingDots_NotTheSameName()
    {
        _inner.Txt = name => Task.FromResult(Txt(name, TimeSpan.FromHours(1)));
        var cache = Cache();

        await cache.QueryTxtAsync("example.test", CancellationToken.None);
        var malformed = await cache.QueryTxtAsync("example.test..", CancellationToken.None);

        Assert.That(malformed.Records, Is.EqualTo(new[] { "example.test.." }));
        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task QueryAsync_SameNameOtherType_AsksAgain()
    {
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        _inner.A = _ => Task.FromResult(new DnsResponse<IPAddress>(DnsStatus.Success, [IPAddress.Parse("192.0.2.1")]) { TimeToLive = TimeSpan.FromHours(1) });
        _inner.Aaaa = _ => Task.FromResult(DnsResponse<IPAddress>.Failure(DnsStatus.NoData) with { TimeToLive = TimeSpan.FromHours(1) });
        _inner.Mx = _ => Task.FromResult(new DnsResponse<MxRecord>(DnsStatus.Success, [new MxRecord(10, "mx.example.test")]) { TimeToLive = TimeSpan.FromHours(1) });
        var cache = Cache();

        for (var round = 0; round < 2; round++)
        {
            await cache.QueryTxtAsync("example.test", CancellationToken.None);
            await cache.QueryAAsync("example.test", CancellationToken.None);
            await cache.QueryAaaaAsync("example.test", CancellationToken.None);
            var mx = await cache.QueryMxAsync("example.test", CancellationToken.None);
            Assert.That(mx.Records, Is.EqualTo(new[] { new MxRecord(10, "mx.example.test") }));
        }

        Assert.That(_inner.Calls, Is.EqualTo(4));
    }

    [Test]
    public async Task QueryPtrAsync_SameAddressMappedToIPv6_SharesTheEntry()
    {
        _inner.Ptr = _ => Task.FromResult(new DnsResponse<string>(DnsStatus.Success, ["mail.example.test"]) { TimeToLive = TimeSpan.FromHours(1) });
        var cache = Cache();

        await cache.QueryPtrAsync(IPAddress.Parse("192.0.2.1"), CancellationToken.None);
        var second = await cache.QueryPtrAsync(IPAddress.Parse("::ffff:192.0.2.1"), CancellationToken.None);
        await cache.QueryPtrAsync(IPAddress.Parse("192.0.2.2"), CancellationToken.None);

        Assert.That(second.Records, Is.EqualTo(new[] { "mail.example.test" }));
        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task QueryTxtAsync_OverMaxEntries_DropsLeastRecentlyUsed()
    {
        _inner.Txt = name => Task.FromResult(Txt(name, TimeSpan.FromHours(1)));
        var cache = Cache(o => o.CacheMaxEntries = 3);
        foreach (var name in new[] { "a.test", "b.test", "c.test" })
        {
            await cache.QueryTxtAsync(name, CancellationToken.None);
        }

        await cache.QueryTxtAsync("a.test", CancellationToken.None); // a is now more recent than b
        await cache.QueryTxtAsync("d.test", CancellationToken.None); // the limit + 1: b goes
        Assert.That(cache.Statistics, Has.Property(nameof(DnsCacheStatistics.Entries)).EqualTo(3)
            .And.Property(nameof(DnsCacheStatistics.Evictions)).EqualTo(1));

        var callsBefore = _inner.Calls;
        await cache.QueryTxtAsync("a.test", CancellationToken.None);
        await cache.QueryTxtAsync("c.test", CancellationToken.None);
        await cache.QueryTxtAsync("d.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(callsBefore), "a, c and d are still cached");

        await cache.QueryTxtAsync("b.test", CancellationToken.None);
        Assert.That(_inner.Calls, Is.EqualTo(callsBefore + 1), "b was dropped");
    }

    [Test]
    public async Task QueryTxtAsync_ConcurrentIdenticalQueries_OneUpstreamRequest()
    {
        var release = new TaskCompletionSource<DnsResponse<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.Txt = _ => release.Task;
        var cache = Cache();

        var waiters = Enumerable.Range(0, 10)
            .Select(i => cache.QueryTxtAsync(i % 2 == 0 ? "example.test" : "Example.Test.", CancellationToken.None).AsTask())
            .ToArray();
        Assert.That(waiters.Any(w => w.IsCompleted), Is.False);
        release.SetResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        var answers = await Task.WhenAll(waiters);

        Assert.That(_inner.Calls, Is.EqualTo(1));
        Assert.That(answers.Select(a => a.Records.Single()), Is.All.EqualTo("v=spf1 -all"));
        Assert.That(cache.Statistics, Is.EqualTo(new DnsCacheStatistics(
            Queries: 10, CacheHits: 0, UpstreamRequests: 1, TemporaryErrors: 0, CoalescedWaits: 9, Evictions: 0, Entries: 1)));
    }

    [Test]
    public async Task QueryTxtAsync_OneWaiterCancelled_OthersGetTheSharedAnswer()
    {
        var release = new TaskCompletionSource<DnsResponse<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.Txt = _ => release.Task;
        var cache = Cache();
        using var cancel = new CancellationTokenSource();

        var cancelled = cache.QueryTxtAsync("example.test", cancel.Token).AsTask();
        var other = cache.QueryTxtAsync("example.test", CancellationToken.None).AsTask();
        await cancel.CancelAsync();

        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(other.IsCompleted, Is.False);
        release.SetResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        Assert.That((await other).Records, Is.EqualTo(new[] { "v=spf1 -all" }));
        Assert.That(_inner.Calls, Is.EqualTo(1));
        Assert.That(_inner.Tokens.Single().CanBeCanceled, Is.False, "the upstream query does not carry a waiter's token");
    }

    [Test]
    public async Task QueryTxtAsync_OnlyWaiterCancelled_UpstreamAnswerStillCached()
    {
        var release = new TaskCompletionSource<DnsResponse<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.Txt = _ => release.Task;
        var cache = Cache();
        using var cancel = new CancellationTokenSource();

        var cancelled = cache.QueryTxtAsync("example.test", cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        release.SetResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        await WaitUntilAsync(() => cache.Statistics.Entries == 1);

        var later = await cache.QueryTxtAsync("example.test", CancellationToken.None);

        Assert.That(later.Records, Is.EqualTo(new[] { "v=spf1 -all" }));
        Assert.That(_inner.Calls, Is.EqualTo(1));
        Assert.That(cache.Statistics.CacheHits, Is.EqualTo(1));
    }

    [Test]
    public async Task QueryTxtAsync_InnerThrows_EveryWaiterSeesItAndTheNextQueryAsksAgain()
    {
        var release = new TaskCompletionSource<DnsResponse<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.Txt = _ => release.Task;
        var cache = Cache();

        var first = cache.QueryTxtAsync("example.test", CancellationToken.None).AsTask();
        var second = cache.QueryTxtAsync("example.test", CancellationToken.None).AsTask();
        release.SetException(new InvalidOperationException("resolver bug"));

        Assert.That(async () => await first, Throws.InvalidOperationException.With.Message.EqualTo("resolver bug"));
        Assert.That(async () => await second, Throws.InvalidOperationException.With.Message.EqualTo("resolver bug"));
        _inner.Txt = _ => Task.FromResult(Txt("v=spf1 -all", TimeSpan.FromHours(1)));
        var third = await cache.QueryTxtAsync("example.test", CancellationToken.None);
        Assert.That(third.Status, Is.EqualTo(DnsStatus.Success));
        Assert.That(_inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Statistics_MixedTraffic_EveryQueryCountedOnce()
    {
        _inner.Txt = name => Task.FromResult(name.StartsWith("temp", StringComparison.Ordinal)
            ? DnsResponse<string>.Failure(DnsStatus.TemporaryError, "timeout")
            : Txt(name, TimeSpan.FromHours(1)));
        var cache = Cache(o => o.CacheMaxEntries = 2);

        foreach (var name in new[] { "a.test", "a.test", "b.test", "temp.test", "c.test", "a.test", "temp.test" })
        {
            await cache.QueryTxtAsync(name, CancellationToken.None);
        }

        // a miss, a hit, b miss, temp miss, c miss (evicts a), a miss (evicts b), temp miss.
        Assert.That(cache.Statistics, Is.EqualTo(new DnsCacheStatistics(
            Queries: 7, CacheHits: 1, UpstreamRequests: 6, TemporaryErrors: 2, CoalescedWaits: 0, Evictions: 2, Entries: 2)));
    }

    [Test]
    public async Task QueryTxtAsync_ManyThreadsManyNames_StaysWithinBoundAndCountsAddUp()
    {
        _inner.Txt = async name =>
        {
            await Task.Yield();
            return Txt(name, TimeSpan.FromHours(1));
        };
        var cache = Cache(o => o.CacheMaxEntries = 16);

        await Parallel.ForAsync(0, 4000, async (i, ct) =>
        {
            var name = $"n{i % 64}.test";
            var answer = await cache.QueryTxtAsync(name, ct);
            Assert.That(answer.Records, Is.EqualTo(new[] { name }));
        });

        var statistics = cache.Statistics;
        Assert.That(statistics.Entries, Is.LessThanOrEqualTo(16));
        Assert.That(statistics.Queries, Is.EqualTo(4000));
        Assert.That(statistics.CacheHits + statistics.UpstreamRequests + statistics.CoalescedWaits, Is.EqualTo(4000));
        Assert.That(statistics.UpstreamRequests, Is.EqualTo(_inner.Calls));
    }

    [Test]
    public void Constructor_MinTtlOverMaxTtl_Throws()
    {
        var options = new DnsOptions { CacheMinTtl = TimeSpan.FromMinutes(10), CacheMaxTtl = TimeSpan.FromMinutes(5) };

        Assert.That(() => new CachingDnsResolver(_inner, options), Throws.ArgumentException.With.Message.Contains("DnsCacheMinTtl"));
    }

    [Test]
    public void Constructor_NullArguments_Throw()
    {
        Assert.That(() => new CachingDnsResolver(null!, new DnsOptions()), Throws.ArgumentNullException);
        Assert.That(() => new CachingDnsResolver(_inner, null!), Throws.ArgumentNullException);
    }

    private CachingDnsResolver Cache(Action<DnsOptions>? configure = null)
    {
        var options = new DnsOptions();
        configure?.Invoke(options);
        return new CachingDnsResolver(_inner, options, _time);
    }

    private static DnsResponse<string> Txt(string text, TimeSpan ttl) =>
        new(DnsStatus.Success, [text]) { TimeToLive = ttl };

    // The shared upstream query completes on another thread after the cancelled waiter has returned.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
