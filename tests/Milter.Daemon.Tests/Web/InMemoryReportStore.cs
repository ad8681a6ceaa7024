using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Tests.Web;

/// <summary>
/// The part of <see cref="IReportStore"/> the dashboard reads, in memory; <see cref="Failure"/> makes every read
/// throw it. The history and lease members are not used by the HTTP endpoint and throw.
/// </summary>
internal sealed class InMemoryReportStore : IReportStore
{
    private readonly List<(AggregateReport Report, DateTimeOffset ReceivedAt)> _incoming = [];
    private readonly List<ReportDelivery> _deliveries = [];

    public Exception? Failure { get; set; }

    public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        _incoming.Add((report, receivedAt));
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IReadOnlyList<AggregateReport> reports = [.. _incoming.Select(i => i.Report)
            .Where(r => r.Metadata.End >= since && (domain is null || string.Equals(r.Policy.Domain, domain, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(r => r.Metadata.Begin)];
        return Task.FromResult(reports);
    }

    public Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken)
    {
        _deliveries.Add(delivery);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IReadOnlyList<ReportDelivery> deliveries = [.. _deliveries.Where(d => d.PeriodBegin >= since).OrderByDescending(d => d.PeriodBegin)];
        return Task.FromResult(deliveries);
    }

    public Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
