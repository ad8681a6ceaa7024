namespace Milter.Reporting.Aggregate;

/// <summary>The <c>policy_evaluated</c> element (RFC 9990 section 3.1.3).</summary>
/// <param name="Disposition">What was done with the messages: none, quarantine or reject (lower-case).</param>
/// <param name="Dkim">The DMARC-aligned DKIM result: pass or fail.</param>
/// <param name="Spf">The DMARC-aligned SPF result: pass or fail.</param>
public sealed record PolicyEvaluated(string Disposition, string Dkim, string Spf)
{
    /// <summary>Why the disposition differs from the published policy (<c>reason</c> elements), if it does.</summary>
    public IReadOnlyList<PolicyOverrideReason> Reasons { get; init; } = [];

    /// <summary>Whether DMARC passed: an aligned DKIM or SPF pass.</summary>
    public bool Passed => Dkim == "pass" || Spf == "pass";
}
