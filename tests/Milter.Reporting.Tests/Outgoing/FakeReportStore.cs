using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Tests.Outgoing;

/// <summary>
/// An in-memory store for the sender's unit tests: history per domain and period, deliveries, and a lease that can
/// be given to another holder. Incoming reports and purging are not part of sending and are refused.
/// </summary>
internal sealed class FakeReportStore : IReportStore
{
    private readonly List<(DateTimeOffset Begin, DateTimeOffset End, PeriodHistory History)> _history = [];
    private readonly Dictionary<(string, DateTimeOffset, string), ReportDelivery> _deliveries = [];

    /// <summary>Who holds the lease, or null.</summary>
    public string? LeaseHolder { get; set; }

    /// <summary>How many deliveries were saved, to prove a dry run saves none.</summary>
    public int Saves { get; private set; }

    public IReadOnlyCollection<ReportDelivery> Deliveries => _deliveries.Values;

    /// <summary>Thrown once by the next <see cref="ReportedDomainsAsync"/>, as a broken database would.</summary>
    public Exception? Fault { get; set; }

    public void AddHistory(ReportPeriod period, PeriodHistory history) => _history.Add((period.Begin, period.End, history));

    public ReportDelivery? Delivery(string domain, ReportPeriod period, string destination) =>
        _deliveries.GetValueOrDefault((domain, period.Begin, destination));

    public Task MigrateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The sender does not write history.");

    public Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken)
    {
        if (Fault is { } fault)
        {
            Fault = null;
            throw fault;
        }

        return Task.FromResult<IReadOnlyList<string>>(_history.Where(h => h.Begin == begin && h.End == end).Select(h => h.History.PolicyDomain).Distinct().ToList());
    }

    public Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) =>
        Task.FromResult(_history.Where(h => h.Begin == begin && h.End == end && h.History.PolicyDomain == policyDomain).Select(h => h.History).FirstOrDefault());

    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (LeaseHolder is not null && LeaseHolder != holder)
        {
            return Task.FromResult(false);
        }

        LeaseHolder = holder;
        return Task.FromResult(true);
    }

    public Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        if (LeaseHolder == holder)
        {
            LeaseHolder = null;
        }

        return Task.CompletedTask;
    }

    public Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken) =>
        Task.FromResult(_deliveries.GetValueOrDefault((domain, periodBegin, destination)));

    public Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken)
    {
        Saves++;
        _deliveries[(delivery.Domain, delivery.PeriodBegin, delivery.Destination)] = delivery;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReportDelivery>>(_deliveries.Values.Where(d => d.PeriodBegin >= since).OrderByDescending(d => d.PeriodBegin).ToList());

    public Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The sender does not store incoming reports.");

    public Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The sender does not read incoming reports.");

    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The sender does not purge.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
