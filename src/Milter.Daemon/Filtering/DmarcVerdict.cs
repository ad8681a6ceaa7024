using Milter.Authentication.Dmarc;

namespace Milter.Daemon.Filtering;

/// <summary>The DMARC outcome of one message and what the MTA is told.</summary>
/// <param name="Check">The evaluations of every author domain.</param>
/// <param name="Action">The resulting action under <c>DmarcMode</c> and the local overrides.</param>
/// <param name="Reason">Why, for the reply text, quarantine reason and log (e.g. "DMARC policy reject for example.com").</param>
internal sealed record DmarcVerdict(DmarcCheckResult Check, DmarcAction Action, string? Reason)
{
    /// <summary>The short form for the per-message log line.</summary>
    public string Summary() => $"dmarc={DmarcEvaluation.Name(Check.Result)}" + (Action == DmarcAction.None ? string.Empty : $"({Action.ToString().ToLowerInvariant()})");
}
