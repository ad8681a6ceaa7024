namespace Milter.Reporting.Aggregate;

/// <summary>
/// One DMARC aggregate report (RFC 9990 section 3; RFC 7489 appendix C reports read into the same shape): what one
/// reporter saw of one policy domain's mail over one period. The same model is written for reports we send and read
/// from reports others send us.
/// </summary>
/// <param name="Metadata">Who reported, the report id and the period.</param>
/// <param name="Policy">The policy the reporter found published for the domain.</param>
/// <param name="Records">One row per distinct combination of source, identifiers and results, with its message count.</param>
public sealed record AggregateReport(ReportMetadata Metadata, PolicyPublished Policy, IReadOnlyList<ReportRecord> Records)
{
    /// <summary>The <c>version</c> element (RFC 9990: <c>1.0</c>); null when the report has none (RFC 7489 reports).</summary>
    public string? Version { get; init; }

    /// <summary>The total of the records' message counts.</summary>
    public long MessageCount => Records.Sum(r => r.Count);
}
