using Milter.Authentication.Spf;

namespace Milter.Authentication.Dmarc;

/// <summary>The SPF result the DMARC evaluator aligns (RFC 9989 sections 4.4.2 and 5.3.3).</summary>
/// <param name="Result">The SPF result.</param>
/// <param name="Domain">
/// The domain SPF checked: the MAIL FROM domain, or the HELO domain when the reverse-path is null. Null when there
/// was none (no SPF check): then SPF cannot align.
/// </param>
public sealed record DmarcSpfInput(SpfResult Result, string? Domain)
{
    /// <summary>No SPF check was made: SPF cannot produce an aligned pass.</summary>
    public static DmarcSpfInput NotChecked { get; } = new(SpfResult.None, null);
}
