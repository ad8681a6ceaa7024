using Milter.Authentication.Dmarc;

namespace Milter.Reporting.Failure;

/// <summary>One checked DKIM signature of the reported message.</summary>
/// <param name="Domain">The signature's <c>d=</c>.</param>
/// <param name="Selector">The signature's <c>s=</c>.</param>
/// <param name="Result">The verification outcome.</param>
/// <param name="Aligned">
/// Whether <paramref name="Domain"/> is aligned with the RFC5322.From domain under the record's <c>adkim</c> mode,
/// whatever <paramref name="Result"/> is.
/// </param>
public sealed record FailureReportDkim(string Domain, string Selector, DmarcDkimOutcome Result, bool Aligned)
{
    /// <summary>Whether this signature produced an aligned pass.</summary>
    public bool AlignedPass => Aligned && Result == DmarcDkimOutcome.Pass;

    /// <summary>
    /// Whether the signature failed evaluation (<c>fo=d</c>): fail, policy, temperror or permerror. Neutral (not
    /// processed, or not to be trusted) is not a verification failure.
    /// </summary>
    public bool Failed => Result is DmarcDkimOutcome.Fail or DmarcDkimOutcome.Policy or DmarcDkimOutcome.TempError
        or DmarcDkimOutcome.PermError;
}
