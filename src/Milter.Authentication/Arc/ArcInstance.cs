using Milter.Authentication.Results;

namespace Milter.Authentication.Arc;

/// <summary>
/// One ARC set (RFC 8617 section 4.1) as read from the message: who sealed it and what that sealer recorded in its
/// ARC-Authentication-Results. Fields are null when the set lacks the header field or the tag; what a sealer
/// recorded is only as trustworthy as the chain (<see cref="ArcResult.Result"/> pass) and the sealer itself.
/// </summary>
public sealed record ArcInstance
{
    /// <summary>The instance, <c>i=</c>, from 1 (the first sealer) up.</summary>
    public required int Instance { get; init; }

    /// <summary>The sealer's domain: <c>d=</c> of the ARC-Seal (<c>header.as-d</c>).</summary>
    public string? SealDomain { get; init; }

    /// <summary>The sealer's selector: <c>s=</c> of the ARC-Seal (<c>header.as-s</c>).</summary>
    public string? SealSelector { get; init; }

    /// <summary>The chain validation status the sealer stated: <c>cv=</c> of the ARC-Seal, as written.</summary>
    public string? ChainValidation { get; init; }

    /// <summary>The signing domain of the set's ARC-Message-Signature, <c>d=</c> (<c>header.ams-d</c>).</summary>
    public string? MessageSignatureDomain { get; init; }

    /// <summary>Whether the ARC-Seal verified.</summary>
    public ArcSignatureOutcome Seal { get; init; }

    /// <summary>Whether the ARC-Message-Signature verified.</summary>
    public ArcSignatureOutcome MessageSignature { get; init; }

    /// <summary>The authserv-id of the ARC-Authentication-Results, e.g. <c>lists.example.org</c>.</summary>
    public string? AuthservId { get; init; }

    /// <summary>
    /// The method results the sealer recorded (e.g. <c>dmarc=pass header.from=example.com</c>), in order; empty
    /// when the set has no ARC-Authentication-Results or it does not parse.
    /// </summary>
    public IReadOnlyList<AuthenticationMethodResult> Results { get; init; } = [];

    /// <summary>The ARC-Authentication-Results value as received, unfolded; null when the set has none.</summary>
    public string? AuthenticationResults { get; init; }
}
