using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Tests.History;

/// <summary>
/// An in-memory store for the history recorder and retention: it keeps appended batches and purge cut-offs, and can
/// fail or hang on command. The reporting members the recorder never calls throw, so a test calling them fails loudly.
/// </summary>
internal sealed class FakeHistoryStore : IReportStore
{
    private readonly object _lock = new();
    private readonly List<IReadOnlyList<HistoryEntry>> _batches = [];
    private readonly List<DateTimeOffset> _purges = [];
    private int _appendCalls;

    /// <summary>How many of the next calls throw; <see cref="int.MaxValue"/> to fail for ever.</summary>
    public int FailuresLeft { get; set; }

    /// <summary>When set, appends wait for it (or for cancellation) before doing anything.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public IReadOnlyList<IReadOnlyList<HistoryEntry>> Batches
    {
        get
        {
            lock (_lock)
            {
                return _batches.ToList();
            }
        }
    }

    public IReadOnlyList<DateTimeOffset> Purges
    {
        get
        {
            lock (_lock)
            {
                return _purges.ToList();
            }
        }
    }

    public int AppendCalls => Volatile.Read(ref _appendCalls);

    public async Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _appendCalls);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        ThrowIfFailing();
        lock (_lock)
        {
            _batches.Add(entries.ToList());
        }
    }

    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _purges.Add(before);
        }

        ThrowIfFailing();
        return Task.FromResult(7L);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task MigrateAsync(CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) => throw Unused();

    public Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) => throw Unused();

    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) => throw Unused();

    public Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken) => throw Unused();

    public Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken) => throw Unused();

    public Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken) => throw Unused();

    public Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken) => throw Unused();

    private static NotSupportedException Unused() => new("The history fake stores only history and purges.");

    private void ThrowIfFailing()
    {
        lock (_lock)
        {
            if (FailuresLeft > 0)
            {
                if (FailuresLeft != int.MaxValue)
                {
                    FailuresLeft--;
                }

                throw new InvalidOperationException("The database is down.");
            }
        }
    }
}
