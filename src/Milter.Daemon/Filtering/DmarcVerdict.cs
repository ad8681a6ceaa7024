using Milter.Authentication.Dmarc;
using Milter.Authentication.Results;

namespace Milter.Daemon.Filtering;

/// <summary>The DMARC outcome of one message and what the MTA is told.</summary>
/// <param name="Check">The evaluations of every author domain.</param>
/// <param name="Action">The resulting action under <c>DmarcMode</c> and the local overrides.</param>
/// <param name="Reason">Why, for the reply text, quarantine reason and log (e.g. "DMARC policy reject for example.com").</param>
/// <param name="Override">When a trusted ARC sealer's verdict lifted the policy, which sealer; otherwise null.</param>
internal sealed record DmarcVerdict(DmarcCheckResult Check, DmarcAction Action, string? Reason, string? Override = null)
{
    /// <summary>The dmarc= entries; a local-policy override is noted in the comment of each failing one.</summary>
    public IEnumerable<AuthenticationMethodResult> MethodResults() => Override is null
        ? Check.ToAuthenticationResults()
        : Check.ToAuthenticationResults().Select(r => r.Result == "fail" ? r with { Comment = $"{r.Comment}; local policy: arc override by {Override}" } : r);

    /// <summary>The short form for the per-message log line.</summary>
    public string Summary() => $"dmarc={DmarcEvaluation.Name(Check.Result)}"
        + (Action == DmarcAction.None ? string.Empty : $"({Action.ToString().ToLowerInvariant()})")
        + (Override is null ? string.Empty : $"(arc-override:{Override})");
}
