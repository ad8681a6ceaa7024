namespace Milter.Reporting.Failure;

/// <summary>
/// At most <c>N</c> failure reports per policy domain in any rolling hour (RFC 9991 section 2: reporters must
/// rate-limit, or a forger of a victim's domain turns every receiver into a report flood). Thread-safe. Memory is
/// bounded: domains with no report in the last hour are forgotten, and while <see cref="MaxDomains"/> domains are
/// within their hour, new domains are refused rather than remembered.
/// </summary>
public sealed class FailureReportRateLimiter
{
    /// <summary>The default <see cref="MaxDomains"/>.</summary>
    public const int DefaultMaxDomains = 10_000;

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly int _reportsPerHour;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>Creates a limiter allowing <paramref name="reportsPerHour"/> reports per domain per rolling hour.</summary>
    /// <param name="reportsPerHour">Reports per domain per hour; 0 allows none.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="maxDomains">Most domains remembered at once. Defaults to <see cref="DefaultMaxDomains"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reportsPerHour"/> is negative or <paramref name="maxDomains"/> is less than 1.</exception>
    public FailureReportRateLimiter(int reportsPerHour, TimeProvider? timeProvider = null, int maxDomains = DefaultMaxDomains)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reportsPerHour);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDomains, 1);
        _reportsPerHour = reportsPerHour;
        _timeProvider = timeProvider ?? TimeProvider.System;
        MaxDomains = maxDomains;
    }

    /// <summary>Most domains remembered at once.</summary>
    public int MaxDomains { get; }

    /// <summary>Domains remembered now (for tests and metrics).</summary>
    public int TrackedDomains
    {
        get
        {
            lock (_lock)
            {
                return _domains.Count;
            }
        }
    }

    /// <summary>
    /// Takes one report slot for <paramref name="policyDomain"/>: true when fewer than the allowed number were taken
    /// in the hour before now (the slot is then counted), false otherwise.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="policyDomain"/> is null.</exception>
    public bool TryAcquire(string policyDomain)
    {
        ArgumentNullException.ThrowIfNull(policyDomain);
        if (_reportsPerHour == 0)
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_domains.TryGetValue(policyDomain, out var sent))
            {
                if (_domains.Count >= MaxDomains && !Sweep(now))
                {
                    return false;
                }

                sent = new Queue<DateTimeOffset>(Math.Min(_reportsPerHour, 16));
                _domains.Add(policyDomain, sent);
            }

            Expire(sent, now);
            if (sent.Count >= _reportsPerHour)
            {
                return false;
            }

            sent.Enqueue(now);
            return true;
        }
    }

    /// <summary>
    /// Forgets domains whose reports all left the window; true when room was made. At most one sweep a minute, so a
    /// flood of new domains while the table is full costs a dictionary lookup each, not a scan each.
    /// </summary>
    private bool Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < TimeSpan.FromMinutes(1))
        {
            return false;
        }

        _lastSweep = now;
        foreach (var (domain, sent) in _domains)
        {
            Expire(sent, now);
            if (sent.Count == 0)
            {
                _domains.Remove(domain);
            }
        }

        return _domains.Count < MaxDomains;
    }

    private static void Expire(Queue<DateTimeOffset> sent, DateTimeOffset now)
    {
        while (sent.Count > 0 && now - sent.Peek() >= Window)
        {
            sent.Dequeue();
        }
    }
}
