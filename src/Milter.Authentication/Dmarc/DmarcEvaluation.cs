using Milter.Authentication.Results;

namespace Milter.Authentication.Dmarc;

/// <summary>The DMARC evaluation of one Author Domain.</summary>
/// <param name="Result">The result.</param>
/// <param name="AuthorDomain">The Author Domain (normalized when it was valid), written as <c>header.from</c>.</param>
/// <param name="Problem">Why the result is none, temperror or permerror, when there is something to say; null otherwise.</param>
public sealed record DmarcEvaluation(DmarcResult Result, string AuthorDomain, string? Problem)
{
    /// <summary>The domain whose <c>_dmarc</c> record applies, or null when none was found.</summary>
    public string? PolicyDomain { get; init; }

    /// <summary>The policy record that applies (its <c>rua</c>, <c>ruf</c>, <c>fo</c> for reports), or null.</summary>
    public DmarcRecord? Record { get; init; }

    /// <summary>The Organizational Domain of the Author Domain, or null when it was not needed or could not be determined.</summary>
    public string? OrganizationalDomain { get; init; }

    /// <summary>Which tag gave <see cref="RequestedPolicy"/>; null without a usable record.</summary>
    public DmarcPolicySource? PolicySource { get; init; }

    /// <summary>
    /// The policy the record asks for mail from this Author Domain (<c>p</c>, <c>sp</c> or <c>np</c>), before testing
    /// mode; null without a usable record. It is the disposition only when the result is fail.
    /// </summary>
    public DmarcPolicy? RequestedPolicy { get; init; }

    /// <summary>
    /// What to do with the message: <see cref="RequestedPolicy"/> when the result is fail, one level milder in testing
    /// mode (RFC 9989 <c>t=y</c>, or RFC 7489 <c>pct=0</c>: reject becomes quarantine, quarantine becomes none);
    /// <see cref="DmarcPolicy.None"/> for every other result, temperror included.
    /// </summary>
    public DmarcPolicy Disposition { get; init; }

    /// <summary>Whether testing mode made <see cref="Disposition"/> milder than <see cref="RequestedPolicy"/>.</summary>
    public bool TestingModeApplied { get; init; }

    /// <summary>Whether the SPF-authenticated identifier is aligned (a pass result for an aligned domain).</summary>
    public bool SpfAligned { get; init; }

    /// <summary>The first passing DKIM signature whose domain is aligned, or null.</summary>
    public DmarcDkimInput? DkimAligned { get; init; }

    /// <summary>The existence test's answer when <c>np</c> needed it (RFC 9989 section 3.2.13); null when not tested.</summary>
    public bool? AuthorDomainExists { get; init; }

    /// <summary>DNS queries this evaluation sent (DMARC records of all tree walks, existence test).</summary>
    public int DnsLookups { get; init; }

    /// <summary>
    /// The comment of the Authentication-Results entry when a record applies, as OpenDMARC writes it:
    /// <c>p=reject sp=none dis=quarantine</c> (the published <c>p</c>, the published <c>sp</c> or else <c>p</c>, the
    /// disposition); otherwise <see cref="Problem"/>.
    /// </summary>
    public string? Comment => Record is { IsUsable: true } record
        ? $"p={Name(record.Policy)} sp={Name(record.SubdomainPolicy ?? record.Policy)} dis={Name(Disposition)}"
        : Problem;

    /// <summary>The <c>dmarc=</c> entry of an Authentication-Results header , its property <c>header.from</c> (RFC 9989 section 9.1).</summary>
    public AuthenticationMethodResult ToAuthenticationResult() =>
        new("dmarc", Name(Result), Comment, [new("header.from", AuthorDomain)]);

    /// <summary>The lower-case keyword of a result: <c>pass</c>, <c>temperror</c>…</summary>
    public static string Name(DmarcResult result) => result.ToString().ToLowerInvariant();

    /// <summary>The lower-case keyword of a policy: <c>none</c>, <c>quarantine</c>, <c>reject</c>.</summary>
    public static string Name(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();
}
