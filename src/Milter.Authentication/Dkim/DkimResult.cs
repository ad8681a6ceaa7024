namespace Milter.Authentication.Dkim;

/// <summary>
/// The result of verifying one DKIM-Signature header field, as named in RFC 8601 section 2.7.1. A message without
/// signatures gives no results at all (the "none" of RFC 8601); it is never reported as one of these.
/// </summary>
/// <remarks>
/// RFC 8601's "neutral" is not produced: each case it could cover (syntax errors, unprocessable signatures) gets
/// the more precise <see cref="PermError"/> or <see cref="Policy"/> with its reason.
/// </remarks>
public enum DkimResult
{
    /// <summary>The signature verified: body hash and header signature match the published key.</summary>
    Pass,
    /// <summary>The signature was evaluated and did not verify (body hash or header signature mismatch).</summary>
    Fail,
    /// <summary>
    /// The signature was not accepted by local policy without being evaluated to the end: rsa-sha1 or an RSA key
    /// under the minimum (RFC 8301), an expired signature, or a signature over the <see cref="DkimOptions.MaxSignatures"/> limit.
    /// </summary>
    Policy,
    /// <summary>The key could not be retrieved for a transient reason (DNS timeout, SERVFAIL, time limit); a retry may succeed.</summary>
    TempError,
    /// <summary>The signature or its key record is unusable: malformed, unsupported, missing (NXDOMAIN) or revoked.</summary>
    PermError,
}
