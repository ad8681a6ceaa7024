using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Milter.Authentication.Dkim;

/// <summary>
/// MimeKit's verifier, opened up so the two checks can be told apart: <see cref="DkimVerifier.VerifyAsync(MimeMessage, Header, CancellationToken)"/>
/// answers only true or false, while a report must say whether the body hash or the header signature failed.
/// Its algorithm switches and minimum RSA key length hold the configured policy. Stateless after construction, so thread-safe.
/// </summary>
internal sealed class DkimMimeVerifier : DkimVerifier
{
    public DkimMimeVerifier(IDkimPublicKeyLocator locator, DkimOptions options)
        : base(locator)
    {
        if (options.AllowSha1)
        {
            Enable(DkimSignatureAlgorithm.RsaSha1);
        }
        else
        {
            Disable(DkimSignatureAlgorithm.RsaSha1);
        }

        MinimumRsaKeyLength = options.MinimumRsaKeyBits;
    }

    /// <summary>Whether the canonical body (up to <c>l=</c>) hashes to the signature's <c>bh=</c>.</summary>
    public bool BodyHashMatches(FormatOptions format, MimeMessage message, DkimSignature signature) =>
        VerifyBodyHash(format, message, signature.Algorithm, signature.BodyCanonicalization, signature.BodyLength ?? -1, signature.BodyHash);

    /// <summary>Whether the canonical signed header fields and the signature field itself verify against <c>b=</c>.</summary>
    public bool SignatureMatches(FormatOptions format, MimeMessage message, Header field, DkimSignature signature, AsymmetricKeyParameter key) =>
        VerifySignature(format, message, field, signature.Algorithm, key, signature.SignedHeaders, signature.HeaderCanonicalization, signature.Signature);
}
