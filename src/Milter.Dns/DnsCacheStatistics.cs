namespace Milter.Dns;

/// <summary>
/// A consistent snapshot of a <see cref="CachingDnsResolver"/>'s counters, all taken at one instant.
/// Every query is exactly one of a hit, an upstream request or a coalesced wait:
/// <c>Queries == CacheHits + UpstreamRequests + CoalescedWaits</c>.
/// </summary>
/// <param name="Queries">Queries asked of the cache.</param>
/// <param name="CacheHits">Queries answered from a cached, unexpired answer.</param>
/// <param name="UpstreamRequests">Queries passed to the inner resolver.</param>
/// <param name="TemporaryErrors">Upstream requests answered with <see cref="DnsStatus.TemporaryError"/> (timeouts, SERVFAIL…).</param>
/// <param name="CoalescedWaits">Queries that waited for an identical upstream request already under way instead of sending their own.</param>
/// <param name="Evictions">Unexpired or expired answers dropped to stay within the entry bound.</param>
/// <param name="Entries">Answers held now, expired ones not yet dropped included.</param>
public readonly record struct DnsCacheStatistics(
    long Queries,
    long CacheHits,
    long UpstreamRequests,
    long TemporaryErrors,
    long CoalescedWaits,
    long Evictions,
    int Entries);
