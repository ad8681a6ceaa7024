using System.Net;

namespace Milter.Dns;

/// <summary>
/// A bounded, TTL-honouring cache in front of another resolver, which also sends concurrent identical queries
/// (same lower-cased name and type) upstream only once. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Cached: Success, NoData and NameError answers that carry a <see cref="DnsResponse{T}.TimeToLive"/>, for that TTL
/// clamped to [<see cref="DnsOptions.CacheMinTtl"/>, <see cref="DnsOptions.CacheMaxTtl"/>]; a TTL that clamps to
/// zero is not cached. A hit returns the stored answer as it was received, its TimeToLive unchanged.
/// </para>
/// <para>
/// Not cached: TemporaryError and PermanentError. Concurrent queries already share one upstream attempt; caching a
/// failure beyond that would turn one lost packet into tempfails for every message in the window, while the MTA
/// retries a tempfailed message only minutes later anyway. PermanentError is decided locally from the name alone.
/// </para>
/// <para>
/// At <see cref="DnsOptions.CacheMaxEntries"/> the least recently used answer is dropped: the names senders choose
/// for one message (random subdomains, one-off domains) are the first to go, the names every message needs stay.
/// </para>
/// <para>
/// The upstream query runs without the callers' cancellation: a caller that gives up stops waiting, but the query
/// goes on (bounded by the inner resolver's timeout) for the other waiters, and its answer is cached.
/// </para>
/// </remarks>
public sealed class CachingDnsResolver : IDnsResolver
{
    private readonly IDnsResolver _inner;
    private readonly TimeProvider _time;
    private readonly TimeSpan _minTtl;
    private readonly TimeSpan _maxTtl;
    private readonly int _maxEntries;

    // One lock guards the entries, the recency list, the queries in flight and the counters: each section under it is
    // a few dictionary and list operations, never I/O, and one lock makes the statistics snapshot consistent.
    private readonly Lock _gate = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly Dictionary<Key, Task> _inFlight = [];
    private long _queries;
    private long _hits;
    private long _upstream;
    private long _temporaryErrors;
    private long _coalesced;
    private long _evictions;

    /// <summary>Creates a cache in front of <paramref name="inner"/>, with the cache settings of <paramref name="options"/>; later changes to the options are not seen.</summary>
    /// <param name="inner">The resolver asked on a miss.</param>
    /// <param name="options">Supplies <see cref="DnsOptions.CacheMinTtl"/>, <see cref="DnsOptions.CacheMaxTtl"/> and <see cref="DnsOptions.CacheMaxEntries"/>.</param>
    /// <param name="timeProvider">The clock for expiry. Defaults to <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are inconsistent (see <see cref="DnsOptions.Validate"/>).</exception>
    public CachingDnsResolver(IDnsResolver inner, DnsOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _inner = inner;
        _time = timeProvider ?? TimeProvider.System;
        _minTtl = options.CacheMinTtl;
        _maxTtl = options.CacheMaxTtl;
        _maxEntries = options.CacheMaxEntries;
    }

    private enum Kind
    {
        Txt,
        A,
        Aaaa,
        Mx,
        Ptr,
    }

    /// <summary>The counters and the entry count, taken together.</summary>
    public DnsCacheStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new DnsCacheStatistics(_queries, _hits, _upstream, _temporaryErrors, _coalesced, _evictions, _entries.Count);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(Kind.Txt, name, name, static (r, n, ct) => r.QueryTxtAsync(n, ct), cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(Kind.A, name, name, static (r, n, ct) => r.QueryAAsync(n, ct), cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(Kind.Aaaa, name, name, static (r, n, ct) => r.QueryAaaaAsync(n, ct), cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) =>
        QueryAsync(Kind.Mx, name, name, static (r, n, ct) => r.QueryMxAsync(n, ct), cancellationToken);

    /// <inheritdoc />
    public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        QueryAsync(Kind.Ptr, DnsName.ReverseName(address), address, static (r, a, ct) => r.QueryPtrAsync(a, ct), cancellationToken);

    private ValueTask<DnsResponse<T>> QueryAsync<T, TState>(
        Kind kind,
        string name,
        TState state,
        Func<IDnsResolver, TState, CancellationToken, ValueTask<DnsResponse<T>>> fetch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        // DNS names compare case-insensitively; one trailing dot (the root) changes nothing. Only one is removed:
        // "a.." is a malformed name, not "a".
        var key = new Key(kind, (name.EndsWith('.') ? name[..^1] : name).ToLowerInvariant());
        Task<DnsResponse<T>> pending;
        TaskCompletionSource<DnsResponse<T>>? owner = null;
        lock (_gate)
        {
            _queries++;
            if (_entries.TryGetValue(key, out var node))
            {
                if (_time.GetTimestamp() < node.Value.Expires)
                {
                    _hits++;
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    return ValueTask.FromResult((DnsResponse<T>)node.Value.Response);
                }

                _entries.Remove(key);
                _recency.Remove(node);
            }

            if (_inFlight.TryGetValue(key, out var inFlight))
            {
                _coalesced++;
                pending = (Task<DnsResponse<T>>)inFlight;
            }
            else
            {
                _upstream++;
                // Waiters continue on their own threads, not inside FetchAsync's completion.
                owner = new TaskCompletionSource<DnsResponse<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
                pending = owner.Task;
                _inFlight.Add(key, pending);
            }
        }

        if (owner is not null)
        {
            _ = FetchAsync(key, state, fetch, owner);
        }

        return new ValueTask<DnsResponse<T>>(pending.WaitAsync(cancellationToken));
    }

    private async Task FetchAsync<T, TState>(
        Key key,
        TState state,
        Func<IDnsResolver, TState, CancellationToken, ValueTask<DnsResponse<T>>> fetch,
        TaskCompletionSource<DnsResponse<T>> completion)
    {
        DnsResponse<T> response;
        try
        {
            response = await fetch(_inner, state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The inner resolver broke its contract (failures are data); every waiter sees the exception.
            lock (_gate)
            {
                _inFlight.Remove(key);
            }

            completion.SetException(e);
            return;
        }

        lock (_gate)
        {
            // Removing the query in flight and storing its answer under one lock leaves no moment in which a new
            // query finds neither and goes upstream a second time.
            _inFlight.Remove(key);
            if (response.Status == DnsStatus.TemporaryError)
            {
                _temporaryErrors++;
            }

            Store(key, response);
        }

        completion.SetResult(response);
    }

    private void Store<T>(Key key, DnsResponse<T> response)
    {
        if (response.Status is not (DnsStatus.Success or DnsStatus.NoData or DnsStatus.NameError)
            || response.TimeToLive is not { } ttl)
        {
            return;
        }

        ttl = TimeSpan.FromTicks(Math.Clamp(ttl.Ticks, _minTtl.Ticks, _maxTtl.Ticks));
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= _maxEntries && _recency.Last is { } oldest)
        {
            _entries.Remove(oldest.Value.Key);
            _recency.RemoveLast();
            _evictions++;
        }

        var expires = _time.GetTimestamp() + (long)(ttl.TotalSeconds * _time.TimestampFrequency);
        _entries.Add(key, _recency.AddFirst(new Entry(key, response, expires)));
    }

    private readonly record struct Key(Kind Kind, string Name);

    private sealed record Entry(Key Key, object Response, long Expires);
}
