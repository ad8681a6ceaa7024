using System.Globalization;
using Milter.Authentication.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace Milter.Authentication.Arc;

/// <summary>
/// MimeKit's ARC verifier with the configured policy (no rsa-sha1, the minimum RSA key length), opened up to verify
/// an ARC-Message-Signature of any instance: <see cref="ArcVerifier.VerifyAsync(FormatOptions, MimeMessage, CancellationToken)"/>
/// verifies only the newest, while <c>header.oldest-pass</c> needs the older ones too, and a fail must be told from
/// a temporary key lookup failure. One instance serves one message, with that message's <see cref="ArcKeyLocator"/>.
/// </summary>
internal sealed class ArcMimeVerifier : ArcVerifier
{
    private readonly ArcKeyLocator _locator;

    public ArcMimeVerifier(ArcKeyLocator locator, int minimumRsaKeyBits)
        : base(locator)
    {
        _locator = locator;
        Disable(DkimSignatureAlgorithm.RsaSha1);
        MinimumRsaKeyLength = minimumRsaKeyBits;
    }

    /// <summary>Verifies one ARC-Message-Signature field: its body hash, then its signature over the header fields it names.</summary>
    public async ValueTask<(ArcSignatureOutcome Outcome, string Reason)> VerifyMessageSignatureAsync(
        FormatOptions format, MimeMessage message, Header field, CancellationToken cancellationToken)
    {
        if (!DkimTagList.TryParse(field.Value, out var tags, out var error))
        {
            return (ArcSignatureOutcome.Fail, "syntax: " + error);
        }

        var (domain, selector, b, bh, h) = (tags["d"], tags["s"], tags["b"], tags["bh"], tags["h"]);
        if (string.IsNullOrEmpty(domain) || string.IsNullOrEmpty(selector) || string.IsNullOrEmpty(b) || string.IsNullOrEmpty(bh) || string.IsNullOrEmpty(h))
        {
            return (ArcSignatureOutcome.Fail, "a required tag (d, s, b, bh, h) is missing or empty");
        }

        if (SignsSeal(h))
        {
            return (ArcSignatureOutcome.Fail, SignsSealProblem);
        }

        if (!IsBase64(b) || !IsBase64(bh))
        {
            return (ArcSignatureOutcome.Fail, "b= or bh= is not base64");
        }

        if (ReadAlgorithm(tags["a"]) is not { } algorithm)
        {
            return (ArcSignatureOutcome.Fail, $"unsupported algorithm a={tags["a"]}");
        }

        if (!IsEnabled(algorithm))
        {
            return (ArcSignatureOutcome.Fail, "rsa-sha1 is not accepted (RFC 8301 section 3.1)");
        }

        if (!TryReadCanonicalization(tags["c"], out var headerCanonicalization, out var bodyCanonicalization))
        {
            return (ArcSignatureOutcome.Fail, $"unsupported canonicalization c={tags["c"]}");
        }

        var length = -1;
        if (tags["l"] is { } l && !int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out length))
        {
            return (ArcSignatureOutcome.Fail, $"l={l} is not a body length");
        }

        if (!VerifyBodyHash(format, message, algorithm, bodyCanonicalization, length, bh))
        {
            return (ArcSignatureOutcome.Fail, "body hash did not verify");
        }

        Org.BouncyCastle.Crypto.AsymmetricKeyParameter key;
        try
        {
            key = await _locator.LocatePublicKeyAsync(tags["q"] ?? "dns/txt", domain, selector, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DkimKeyException or OperationCanceledException)
        {
            var (temporary, problem) = _locator.ProblemOf(domain, selector) ?? (false, exception.Message);
            return (temporary ? ArcSignatureOutcome.TempError : ArcSignatureOutcome.Fail, problem);
        }

        if (_locator.ProblemOf(domain, selector) is { } refused)
        {
            return (ArcSignatureOutcome.Fail, refused.Problem);
        }

        return VerifySignature(format, message, field, algorithm, key, h.Split(':'), headerCanonicalization, b)
            ? (ArcSignatureOutcome.Pass, "verified")
            : (ArcSignatureOutcome.Fail, "signature did not verify");
    }

    /// <summary>Why an ARC-Message-Signature that names ARC-Seal in <c>h=</c> fails.</summary>
    public const string SignsSealProblem = "it signs ARC-Seal (h=), which RFC 8617 section 4.1.2 keeps out of the AMS";

    /// <summary>
    /// Whether an ARC-Message-Signature's <c>h=</c> names ARC-Seal. Seals are added after the AMS and cover it, so an
    /// AMS over seals would break with each hop; the validation suite (ams_fields_h_includes_as) expects fail.
    /// </summary>
    public static bool SignsSeal(string signedHeaders) =>
        Array.Exists(signedHeaders.Split(':'), name => name.Trim().Equals("arc-seal", StringComparison.OrdinalIgnoreCase));

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static DkimSignatureAlgorithm? ReadAlgorithm(string? name) => name?.ToLowerInvariant() switch
    {
        "rsa-sha256" => DkimSignatureAlgorithm.RsaSha256,
        "ed25519-sha256" => DkimSignatureAlgorithm.Ed25519Sha256,
        "rsa-sha1" => DkimSignatureAlgorithm.RsaSha1,
        _ => null,
    };

    // Without c= both are simple; "c=relaxed" alone leaves the body simple (RFC 6376 section 3.5, which ARC keeps).
    private static bool TryReadCanonicalization(string? value, out DkimCanonicalizationAlgorithm header, out DkimCanonicalizationAlgorithm body)
    {
        header = body = DkimCanonicalizationAlgorithm.Simple;
        if (value is null)
        {
            return true;
        }

        var parts = value.Split('/');
        return parts.Length <= 2 && TryCanonicalization(parts[0], out header) && (parts.Length == 1 || TryCanonicalization(parts[1], out body));
    }

    private static bool TryCanonicalization(string name, out DkimCanonicalizationAlgorithm algorithm)
    {
        algorithm = name.Equals("relaxed", StringComparison.OrdinalIgnoreCase) ? DkimCanonicalizationAlgorithm.Relaxed : DkimCanonicalizationAlgorithm.Simple;
        return algorithm == DkimCanonicalizationAlgorithm.Relaxed || name.Equals("simple", StringComparison.OrdinalIgnoreCase);
    }
}
