using Milter.Dns;

namespace Milter.Daemon.Web;

/// <summary>
/// Values <c>/metrics</c> reads at scrape time from the daemon's parts rather than from the meter. A null source leaves
/// its metrics out (the DNS cache or the reporting history may be off).
/// </summary>
internal sealed record DaemonMetricSources
{
    /// <summary>The DNS cache's counters (<c>CachingDnsResolver.Statistics</c>).</summary>
    public Func<DnsCacheStatistics>? DnsStatistics { get; init; }

    /// <summary>Milter connections open now (<c>MilterServer.ActiveConnections</c>).</summary>
    public Func<int>? ActiveConnections { get; init; }

    /// <summary>History entries waiting to be written to the report store.</summary>
    public Func<long>? ReportQueueDepth { get; init; }

    /// <summary>History entries written to the report store since start.</summary>
    public Func<long>? HistoryWritten { get; init; }

    /// <summary>History entries dropped since start (queue full, store failing).</summary>
    public Func<long>? HistoryDropped { get; init; }

    /// <summary>Writes the metrics of every source present.</summary>
    public void WriteTo(PrometheusTextWriter writer)
    {
        if (DnsStatistics is not null)
        {
            var statistics = DnsStatistics();
            Counter(writer, "authmilter_dns_queries_total", "DNS queries asked of the resolver cache.", statistics.Queries);
            Counter(writer, "authmilter_dns_cache_hits_total", "DNS queries answered from the cache.", statistics.CacheHits);
            Counter(writer, "authmilter_dns_timeouts_total", "DNS upstream requests that ended in a temporary error (timeout, SERVFAIL).", statistics.TemporaryErrors);
        }

        if (ActiveConnections is not null)
        {
            Gauge(writer, "authmilter_connections_active", "Milter connections open now.", ActiveConnections());
        }

        if (ReportQueueDepth is not null)
        {
            Gauge(writer, "authmilter_report_queue_depth", "History entries waiting to be written to the report store.", ReportQueueDepth());
        }

        if (HistoryWritten is not null)
        {
            Counter(writer, "authmilter_history_written_total", "History entries written to the report store.", HistoryWritten());
        }

        if (HistoryDropped is not null)
        {
            Counter(writer, "authmilter_history_dropped_total", "History entries dropped because the queue was full or the store failed.", HistoryDropped());
        }
    }

    private static void Counter(PrometheusTextWriter writer, string name, string help, double value)
    {
        writer.Family(name, "counter", help);
        writer.Sample(name, value);
    }

    private static void Gauge(PrometheusTextWriter writer, string name, string help, double value)
    {
        writer.Family(name, "gauge", help);
        writer.Sample(name, value);
    }
}
