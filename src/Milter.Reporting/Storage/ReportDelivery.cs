namespace Milter.Reporting.Storage;

/// <summary>
/// The state of one outgoing aggregate report to one destination: kept so a report is sent once, retried after a
/// failure, and shown on the dashboard. Keyed by (<see cref="Domain"/>, <see cref="PeriodBegin"/>, <see cref="Destination"/>).
/// </summary>
/// <param name="Domain">The policy domain reported on.</param>
/// <param name="PeriodBegin">Start of the period.</param>
/// <param name="PeriodEnd">End of the period.</param>
/// <param name="Destination">The <c>rua</c> URI, e.g. <c>mailto:dmarc@example.com</c>.</param>
/// <param name="ReportId">The report id sent (the same on every retry).</param>
/// <param name="Status">Where it stands.</param>
public sealed record ReportDelivery(string Domain, DateTimeOffset PeriodBegin, DateTimeOffset PeriodEnd, string Destination, string ReportId, ReportDeliveryStatus Status)
{
    /// <summary>How many times sending was tried.</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last attempt failed, or why the destination was skipped; null after success.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was last tried, or null.</summary>
    public DateTimeOffset? LastAttempt { get; init; }

    /// <summary>The size of the compressed report in bytes, or null before it was built.</summary>
    public long? Size { get; init; }
}
