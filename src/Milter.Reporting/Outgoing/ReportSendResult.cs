namespace Milter.Reporting.Outgoing;

/// <summary>The outcome of one <see cref="ReportSender.SendAsync"/> run: one entry per report and destination.</summary>
/// <param name="Destinations">What happened per domain, period and destination, in the order handled (retries of earlier periods first).</param>
public sealed record ReportSendResult(IReadOnlyList<ReportDestinationResult> Destinations)
{
    /// <summary>True when another process held the send lease, so this run did nothing.</summary>
    public bool LeaseHeldElsewhere { get; init; }

    /// <summary>Whether any report failed to be built or sent (deferred verifications are not failures).</summary>
    public bool AnyFailed => Destinations.Any(d => d.Outcome == ReportDestinationOutcome.Failed);
}
