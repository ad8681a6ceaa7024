using System.Net;

namespace Milter.Reporting.Aggregate;

/// <summary>
/// One <c>record</c> of an aggregate report (RFC 9990 section 3.1.3): messages from one source IP with the same
/// identifiers, authentication results and policy evaluation, and how many there were.
/// </summary>
/// <param name="SourceIp">The connecting IP (<c>row/source_ip</c>).</param>
/// <param name="Count">How many messages (<c>row/count</c>).</param>
/// <param name="Evaluated">The DMARC evaluation and the disposition applied (<c>row/policy_evaluated</c>).</param>
/// <param name="HeaderFrom">The RFC5322.From domain (<c>identifiers/header_from</c>).</param>
public sealed record ReportRecord(IPAddress SourceIp, long Count, PolicyEvaluated Evaluated, string HeaderFrom)
{
    /// <summary>The RFC5321.MailFrom domain (<c>identifiers/envelope_from</c>), or null (empty for the null sender).</summary>
    public string? EnvelopeFrom { get; init; }

    /// <summary>The RFC5321.RcptTo domain (<c>identifiers/envelope_to</c>), or null.</summary>
    public string? EnvelopeTo { get; init; }

    /// <summary>Every DKIM signature checked (<c>auth_results/dkim</c>), aligned or not.</summary>
    public IReadOnlyList<DkimAuthResult> Dkim { get; init; } = [];

    /// <summary>The SPF checks (<c>auth_results/spf</c>); RFC 9990 allows one, RFC 7489 reports may carry several.</summary>
    public IReadOnlyList<SpfAuthResult> Spf { get; init; } = [];

    /// <summary>The same record for <paramref name="count"/> messages.</summary>
    public ReportRecord WithCount(long count) => this with { Count = count };
}
