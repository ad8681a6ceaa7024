using Milter.Reporting.Aggregate;
using Milter.Reporting.History;

namespace Milter.Reporting.Storage;

/// <summary>
/// The reporting database: the history of evaluated messages, outgoing report deliveries, the send lease, and the
/// aggregate reports others sent us. SQLite (<c>SqliteReportStore</c>) for one MTA, PostgreSQL
/// (<c>PostgresReportStore</c>) for several sharing one database. Safe for concurrent use.
/// </summary>
public interface IReportStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema to the current version; safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Appends history entries in one transaction.</summary>
    Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken);

    /// <summary>The policy domains with history in [<paramref name="begin"/>, <paramref name="end"/>) that have a DMARC record.</summary>
    Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>One policy domain's history in [<paramref name="begin"/>, <paramref name="end"/>), aggregated; null when there is none with a record.</summary>
    Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until now + <paramref name="duration"/>;
    /// false when another holder's lease has not expired. Several milters sharing a database use it so one sends each period's reports.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if <paramref name="holder"/> holds it.</summary>
    Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken);

    /// <summary>The delivery of one report to one destination, or null when none was recorded.</summary>
    Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the delivery with the same domain, period start and destination.</summary>
    Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Deliveries of periods that began at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an aggregate report someone sent us; false when a report with the same reporter (<c>org_name</c>) and
    /// <c>report_id</c> for the same domain is already stored (then nothing changes).
    /// </summary>
    Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Incoming reports whose period ends at or after <paramref name="since"/>, for one domain or all, oldest first.</summary>
    Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Deletes history, deliveries and incoming reports older than <paramref name="before"/>; returns how many rows went.</summary>
    Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
