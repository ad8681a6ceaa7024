namespace Milter.Reporting.Outgoing;

/// <summary>What happened to one domain's report for one period at one destination.</summary>
/// <param name="Domain">The policy domain reported on.</param>
/// <param name="Period">The period of the report.</param>
/// <param name="Destination">The <c>rua</c> URI, or <c>-</c> when the report could not be built for any destination.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">Why it was skipped, deferred or failed, or where it went; null when there is nothing to add.</param>
public sealed record ReportDestinationResult(string Domain, ReportPeriod Period, string Destination, ReportDestinationOutcome Outcome, string? Detail)
{
    /// <summary>The size of the compressed report in bytes, or null when it was not built.</summary>
    public long? Size { get; init; }

    /// <summary>The report id, or null when the report was not built.</summary>
    public string? ReportId { get; init; }
}
