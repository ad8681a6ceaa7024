using System.Diagnostics;
using System.Globalization;
using System.Net;
using Milter.Authentication.Spf;
using Milter.Dns;
using Milter.TestKit.Dns;

namespace Milter.Benchmarks.Spf;

/// <summary>
/// The <c>spf</c> mode: SPF evaluations per second through the product's checker and DNS stack
/// (<see cref="SpfChecker"/> over <see cref="CachingDnsResolver"/> over <see cref="DnsClientResolver"/>) against a real
/// knotd on loopback. The sender's domain has a three-deep include chain and the client matches only the deepest
/// record, so one evaluation takes four TXT lookups. Two runs: warm (the DNS cache on, primed, one domain) and cold
/// (<c>DnsCacheMaxTtl 0</c>). The cache sends concurrent identical queries upstream once, so the cold run gives each
/// evaluation its own names: <c>uN@uN.d0.example.test</c>, whose wildcard records include <c>%{l}.d1</c>, <c>%{l}.d2</c>
/// and <c>%{l}.d3</c>, and every lookup reaches knotd. Every evaluation must be pass; any other result fails the run.
/// </summary>
public static class SpfRateRunner
{
    private const string WarmSender = "bounces@example.test";
    private const string Helo = "mail.example.test";

    // The client matches only c.example.test; the ip4 ranges above it are evaluated and do not match.
    private const string Records = """
        @ TXT "v=spf1 include:a.example.test -all"
        a TXT "v=spf1 ip4:198.51.100.0/24 include:b.example.test -all"
        b TXT "v=spf1 ip4:203.0.113.0/24 include:c.example.test -all"
        c TXT "v=spf1 ip4:192.0.2.0/25 -all"
        *.d0 TXT "v=spf1 include:%{l}.d1.example.test -all"
        *.d1 TXT "v=spf1 ip4:198.51.100.0/24 include:%{l}.d2.example.test -all"
        *.d2 TXT "v=spf1 ip4:203.0.113.0/24 include:%{l}.d3.example.test -all"
        *.d3 TXT "v=spf1 ip4:192.0.2.0/25 -all"
        """;

    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    /// <summary>Starts knotd, runs the warm and the cold measurement and prints them; returns the exit code (0 when every evaluation passed in time).</summary>
    /// <exception cref="InvalidOperationException">knotd is not installed or does not start.</exception>
    public static async Task<int> RunAsync(SpfRateOptions options, TextWriter output)
    {
        using var server = await KnotDnsServer.StartAsync([new DnsTestZone("example.test", Records)]).ConfigureAwait(false);
        output.WriteLine($"knotd on {server.EndPoint}: {WarmSender} -> include a -> include b -> include c (ip4:192.0.2.0/25), client {Client}; cold senders uN@uN.d0.example.test, the same chain under *.d0..*.d3");
        var succeeded = true;
        if (options.WarmEvaluations > 0)
        {
            succeeded &= await MeasureAsync("warm", server.EndPoint, TimeSpan.FromHours(1), _ => WarmSender, options.WarmEvaluations, options.WarmConcurrency, options.Timeout, output).ConfigureAwait(false);
        }

        if (options.ColdEvaluations > 0)
        {
            succeeded &= await MeasureAsync("cold", server.EndPoint, TimeSpan.Zero, ColdSender, options.ColdEvaluations, options.ColdConcurrency, options.Timeout, output).ConfigureAwait(false);
        }

        return succeeded ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(
        string name, IPEndPoint nameserver, TimeSpan cacheMaxTtl, Func<long, string> sender, int evaluations, int concurrency, TimeSpan timeout, TextWriter output)
    {
        var dnsOptions = new DnsOptions { CacheMaxTtl = cacheMaxTtl };
        dnsOptions.Nameservers.Add(nameserver);
        var resolver = new CachingDnsResolver(new DnsClientResolver(dnsOptions), dnsOptions);
        var checker = new SpfChecker(resolver);
        using var hardLimit = new CancellationTokenSource(timeout);

        var priming = await checker.CheckMailFromAsync(Client, sender(-1), Helo, hardLimit.Token).ConfigureAwait(false);
        if (priming.Result != SpfResult.Pass)
        {
            output.WriteLine($"{name}: the priming evaluation gave {Describe(priming)}; nothing measured");
            return false;
        }

        var before = resolver.Statistics;
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        long next = -1;
        long wrong = 0;
        string? firstWrong = null;
        async Task<List<long>> WorkAsync()
        {
            var latencies = new List<long>();
            long index;
            while ((index = Interlocked.Increment(ref next)) < evaluations && !hardLimit.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var evaluation = await checker.CheckMailFromAsync(Client, sender(index), Helo, hardLimit.Token).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetTimestamp() - start);
                if (evaluation.Result != SpfResult.Pass)
                {
                    Interlocked.Increment(ref wrong);
                    Interlocked.CompareExchange(ref firstWrong, Describe(evaluation), null);
                }
            }

            return latencies;
        }

        var stopwatch = Stopwatch.StartNew();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync))).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;
        self.Refresh();
        var cpu = self.TotalProcessorTime - cpuBefore;
        var after = resolver.Statistics;
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);

        output.WriteLine($"{name}: {all.Length} evaluations, concurrency {concurrency}, DnsCacheMaxTtl {cacheMaxTtl.TotalSeconds:F0} s, {elapsed.TotalSeconds:F2} s{(hardLimit.IsCancellationRequested ? " (hard timeout hit)" : string.Empty)}");
        output.WriteLine($"  evaluations/s   {all.Length / elapsed.TotalSeconds:F0}");
        output.WriteLine($"  latency ms      p50 {Percentiles.Milliseconds(all, 0.50):F3}  p99 {Percentiles.Milliseconds(all, 0.99):F3}  max {Percentiles.Milliseconds(all, 1.0):F3}");
        output.WriteLine($"  dns             {after.Queries - before.Queries} queries: {after.CacheHits - before.CacheHits} cache hits, {after.UpstreamRequests - before.UpstreamRequests} to knotd, {after.CoalescedWaits - before.CoalescedWaits} coalesced, {after.TemporaryErrors - before.TemporaryErrors} temporary errors");
        output.WriteLine($"  process cpu     {cpu.TotalSeconds:F2} s ({cpu.TotalMilliseconds * 1000 / Math.Max(1, all.Length):F1} µs per evaluation, knotd not included)");
        output.WriteLine($"  results         {all.Length - wrong} pass, {wrong} other{(firstWrong is null ? string.Empty : $" (first: {firstWrong})")}");
        output.WriteLine($"  {LoadAverage.Describe()}");
        return wrong == 0 && !hardLimit.IsCancellationRequested;
    }

    /// <summary>A sender whose four names no other evaluation asks for; -1 (priming) gives <c>prime</c>.</summary>
    private static string ColdSender(long index)
    {
        var local = index < 0 ? "prime" : string.Create(CultureInfo.InvariantCulture, $"u{index}");
        return $"{local}@{local}.d0.example.test";
    }

    private static string Describe(SpfEvaluation evaluation) =>
        $"{evaluation.Result}{(evaluation.Problem is null ? string.Empty : $": {evaluation.Problem}")}";
}
