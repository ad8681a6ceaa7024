using Milter.Authentication.Results;

namespace Milter.Authentication.Dmarc;

/// <summary>The DMARC evaluations of all Author Domains of one message.</summary>
/// <param name="Authors">The From fields as extracted.</param>
/// <param name="Evaluations">One evaluation per distinct Author Domain, in the order of <see cref="AuthorDomainExtraction.Domains"/>; empty when there is none.</param>
public sealed record DmarcCheckResult(AuthorDomainExtraction Authors, IReadOnlyList<DmarcEvaluation> Evaluations)
{
    /// <summary>
    /// The strictest disposition over all Author Domains: with several From domains, the message is treated as the
    /// strictest of their policies asks, so adding an address cannot weaken a policy.
    /// </summary>
    public DmarcPolicy Disposition => Evaluations.Count == 0 ? DmarcPolicy.None : Evaluations.Max(e => e.Disposition);

    /// <summary>
    /// The overall result: fail if any Author Domain fails, else temperror if any has one, else permerror if any has
    /// one or no Author Domain was found, else pass if any passes, else none.
    /// </summary>
    public DmarcResult Result
    {
        get
        {
            if (Evaluations.Count == 0)
            {
                return DmarcResult.PermError;
            }

            foreach (var result in (ReadOnlySpan<DmarcResult>)[DmarcResult.Fail, DmarcResult.TempError, DmarcResult.PermError, DmarcResult.Pass])
            {
                if (Evaluations.Any(e => e.Result == result))
                {
                    return result;
                }
            }

            return DmarcResult.None;
        }
    }

    /// <summary>
    /// The <c>dmarc=</c> entries for Authentication-Results: one per Author Domain, or, when no Author Domain was
    /// found, one <c>dmarc=permerror</c> without <c>header.from</c>, the extraction problem as its comment.
    /// </summary>
    public IReadOnlyList<AuthenticationMethodResult> ToAuthenticationResults() => Evaluations.Count == 0
        ? [new AuthenticationMethodResult("dmarc", "permerror", Authors.Detail, [])]
        : [.. Evaluations.Select(e => e.ToAuthenticationResult())];
}
