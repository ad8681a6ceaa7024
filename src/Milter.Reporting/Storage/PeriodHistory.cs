using Milter.Reporting.Aggregate;

namespace Milter.Reporting.Storage;

/// <summary>What the history holds of one policy domain over one reporting period, aggregated.</summary>
/// <param name="PolicyDomain">The policy domain.</param>
/// <param name="PolicyRecord">The most recent DMARC record text seen for it in the period.</param>
/// <param name="Records">Identical rows grouped, each with its message count.</param>
public sealed record PeriodHistory(string PolicyDomain, string PolicyRecord, IReadOnlyList<ReportRecord> Records);
