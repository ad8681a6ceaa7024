using Milter.Authentication.Spf;

namespace Milter.Reporting.Failure;

/// <summary>The SPF check of the reported message, as a failure report needs it.</summary>
/// <param name="Domain">The domain SPF checked (MAIL FROM, or HELO for a null reverse-path); null when there was no check.</param>
/// <param name="Result">The SPF result.</param>
/// <param name="Aligned">
/// Whether <paramref name="Domain"/> is aligned with the RFC5322.From domain under the record's <c>aspf</c> mode,
/// whatever <paramref name="Result"/> is: an aligned domain that failed is what <c>Identity-Alignment</c> reports.
/// </param>
public sealed record FailureReportSpf(string? Domain, SpfResult Result, bool Aligned)
{
    /// <summary>Whether SPF produced an aligned pass, the only SPF outcome that satisfies DMARC.</summary>
    public bool AlignedPass => Aligned && Result == SpfResult.Pass;

    /// <summary>
    /// Whether the message failed SPF evaluation (<c>fo=s</c>): fail, softfail, temperror or permerror. None and
    /// neutral state nothing about the client, so they are not failures.
    /// </summary>
    public bool Failed => Result is SpfResult.Fail or SpfResult.SoftFail or SpfResult.TempError or SpfResult.PermError;

    /// <summary>No SPF check was made.</summary>
    public static FailureReportSpf NotChecked { get; } = new(null, SpfResult.None, false);
}
