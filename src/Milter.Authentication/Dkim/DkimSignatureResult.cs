namespace Milter.Authentication.Dkim;

/// <summary>
/// The verdict on one DKIM-Signature header field, with the tags an Authentication-Results entry reports
/// (RFC 8601 section 2.7.1, RFC 6008). Tag values are as far as they could be read: a signature that is not a
/// tag-list at all has none.
/// </summary>
public sealed record DkimSignatureResult
{
    /// <summary>The result.</summary>
    public required DkimResult Result { get; init; }

    /// <summary>Why, in a few words, for the Authentication-Results comment and the logs (e.g. "body hash did not verify").</summary>
    public required string Reason { get; init; }

    /// <summary>The signing domain, <c>d=</c> (header.d).</summary>
    public string? Domain { get; init; }

    /// <summary>
    /// The agent or user identifier (header.i): <c>i=</c> with its quoted-printable decoded, or <c>@</c> and the
    /// signing domain when the tag is absent, its default in RFC 6376 section 3.5.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>The selector, <c>s=</c> (header.s).</summary>
    public string? Selector { get; init; }

    /// <summary>The algorithm, <c>a=</c> as written (header.a).</summary>
    public string? Algorithm { get; init; }

    /// <summary>The first 8 characters of <c>b=</c> (header.b, RFC 6008), which tell signatures of one message apart.</summary>
    public string? SignaturePrefix { get; init; }

    /// <summary>The key record has <c>t=y</c>: the domain is testing DKIM (RFC 6376 section 3.6.1).</summary>
    public bool Testing { get; init; }

    /// <summary>The key size in bits (the RSA modulus, or 256 for ed25519); null when no key was retrieved.</summary>
    public int? KeyBits { get; init; }

    /// <summary>
    /// The body length limit, <c>l=</c>: only that many octets of the canonical body were signed and verified, so
    /// content after them is not covered by a pass. Null when the whole body is signed.
    /// </summary>
    public int? BodyLength { get; init; }

    /// <summary>The exception behind the result, when one was caught (e.g. key data that does not decode); otherwise null.</summary>
    public Exception? Exception { get; init; }
}
