namespace Milter.Reporting.Failure;

/// <summary>
/// The <c>fo</c> tag of a DMARC record (RFC 9989 section 4.7): which authentication outcomes the Domain Owner wants a
/// failure report for. Several options may be given, colon-separated; a report is due when any of them matches.
/// </summary>
public sealed record FailureReportingOptions
{
    /// <summary><c>0</c>: report when no mechanism produced an aligned pass (the DMARC result is fail). The default.</summary>
    public bool AllFailed { get; init; }

    /// <summary><c>1</c>: report when any mechanism produced something other than an aligned pass.</summary>
    public bool AnyFailed { get; init; }

    /// <summary><c>d</c>: report when any DKIM signature failed evaluation, aligned or not.</summary>
    public bool DkimFailed { get; init; }

    /// <summary><c>s</c>: report when SPF failed evaluation, aligned or not.</summary>
    public bool SpfFailed { get; init; }

    /// <summary><c>fo=0</c>, what a record without <c>fo</c> asks for.</summary>
    public static FailureReportingOptions Default { get; } = new() { AllFailed = true };

    /// <summary>
    /// Parses an <c>fo</c> value such as <c>0</c>, <c>1:d</c> or <c>d:s</c>. Case and blanks around the options do
    /// not matter; unknown options are ignored, and a value with no known option (or null/empty) reads as <c>0</c>,
    /// as RFC 9989 section 4.8 has invalid tag values take their default.
    /// </summary>
    public static FailureReportingOptions Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        bool all = false, any = false, dkim = false, spf = false;
        foreach (var option in value.Split(':', StringSplitOptions.TrimEntries))
        {
            switch (option.ToLowerInvariant())
            {
                case "0": all = true; break;
                case "1": any = true; break;
                case "d": dkim = true; break;
                case "s": spf = true; break;
            }
        }

        return all || any || dkim || spf
            ? new FailureReportingOptions { AllFailed = all, AnyFailed = any, DkimFailed = dkim, SpfFailed = spf }
            : Default;
    }

    /// <summary>
    /// Whether these options ask for a failure report for a message with these results. DKIM counts as one
    /// mechanism: it produced an aligned pass when at least one signature did, and produced none when there was no
    /// signature.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="spf"/> or <paramref name="dkim"/> is null.</exception>
    public bool ShouldReport(FailureReportSpf spf, IReadOnlyList<FailureReportDkim> dkim)
    {
        ArgumentNullException.ThrowIfNull(spf);
        ArgumentNullException.ThrowIfNull(dkim);

        var spfPass = spf.AlignedPass;
        var dkimPass = dkim.Any(signature => signature.AlignedPass);

        return (AllFailed && !spfPass && !dkimPass)
            || (AnyFailed && (!spfPass || !dkimPass))
            || (DkimFailed && dkim.Any(signature => signature.Failed))
            || (SpfFailed && spf.Failed);
    }

    /// <summary>The options in <c>fo</c> syntax, e.g. <c>0:d</c>.</summary>
    public override string ToString()
    {
        string?[] options = [AllFailed ? "0" : null, AnyFailed ? "1" : null, DkimFailed ? "d" : null, SpfFailed ? "s" : null];
        return string.Join(':', options.OfType<string>());
    }
}
