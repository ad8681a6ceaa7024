using Milter.Reporting.Aggregate;

namespace Milter.Reporting.History;

/// <summary>
/// One DMARC evaluation of one message, as the milter records it for aggregate reports: one entry per author domain
/// evaluated. Entries are aggregated when a report is built (identical rows become one record with a count).
/// </summary>
/// <param name="Received">When the message was evaluated.</param>
/// <param name="PolicyDomain">The domain whose DMARC record applied; the author domain when no record was found.</param>
/// <param name="PolicyRecord">The text of the DMARC record that applied, or null when there was none (nothing to report to).</param>
/// <param name="Row">What the report says of the message, with a count of 1.</param>
public sealed record HistoryEntry(DateTimeOffset Received, string PolicyDomain, string? PolicyRecord, ReportRecord Row);
