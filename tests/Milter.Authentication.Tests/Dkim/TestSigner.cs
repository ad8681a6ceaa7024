using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>Signs test messages with MimeKit's signer, so round trips and tampering tests start from a valid signature.</summary>
public static class TestSigner
{
    /// <summary>The header fields signed: the RFC 6376 section 5.4.1 core set; absent ones are signed as absent.</summary>
    public static readonly string[] SignedHeaders = ["From", "To", "Subject", "Date", "Message-ID"];

    /// <summary>A signer with the RSA private key in a PEM file of the corpus.</summary>
    public static DkimSigner Rsa(string pemPath, string domain, string selector, DkimSignatureAlgorithm algorithm = DkimSignatureAlgorithm.RsaSha256) =>
        new(pemPath, domain, selector, algorithm);

    /// <summary>A signer with an ed25519 key given as its base64 seed (RFC 8032 secret key).</summary>
    public static DkimSigner Ed25519(string seedBase64, string domain, string selector) =>
        new(new Ed25519PrivateKeyParameters(Convert.FromBase64String(seedBase64.Trim()), 0), domain, selector, DkimSignatureAlgorithm.Ed25519Sha256);

    /// <summary><paramref name="message"/> (CRLF bytes) with one more DKIM-Signature field on top, as CRLF bytes.</summary>
    public static byte[] Sign(byte[] message, DkimSigner signer)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var input = new MemoryStream(message, writable: false);
        using var mime = MimeMessage.Load(input);
        signer.Sign(format, mime, SignedHeaders);
        using var output = new MemoryStream();
        mime.WriteTo(format, output);
        return output.ToArray();
    }
}
