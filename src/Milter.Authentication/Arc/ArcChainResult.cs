namespace Milter.Authentication.Arc;

/// <summary>
/// The chain validation status of a message's Authenticated Received Chain (RFC 8617 section 4.4), as the
/// <c>arc=</c> method of Authentication-Results reports it (RFC 8617 section 11.1).
/// </summary>
public enum ArcChainResult
{
    /// <summary>The message carries no ARC header fields. Never folded into <see cref="Fail"/>.</summary>
    None,
    /// <summary>Every ARC set is present and well formed, the newest ARC-Message-Signature and every ARC-Seal verified.</summary>
    Pass,
    /// <summary>The chain is malformed, an ARC-Seal says <c>cv=fail</c>, or a signature did not verify.</summary>
    Fail,
    /// <summary>
    /// The chain could not be validated for a transient reason: every signature that did not verify failed only
    /// because its key lookup timed out, hit SERVFAIL or was cancelled. A retry may give pass or fail. RFC 8617
    /// registers only none, pass and fail for <c>arc=</c>; RFC 8601's temperror is the general result for this.
    /// </summary>
    TempError,
}
