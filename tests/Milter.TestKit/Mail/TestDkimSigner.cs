using MimeKit;
using MimeKit.Cryptography;

namespace Milter.TestKit.Mail;

/// <summary>
/// Signs test messages with the RFC 8463 RSA test key (relaxed/relaxed, rsa-sha256, selector <c>test</c>); its
/// public key record is <see cref="TestArcSealer.KeyRecord"/>, published as <c>test._domainkey.</c> + the domain.
/// </summary>
public static class TestDkimSigner
{
    /// <summary><paramref name="message"/> (CRLF bytes) with a DKIM-Signature for <paramref name="domain"/> on top, written with CRLF as SMTP carries it.</summary>
    public static byte[] Sign(byte[] message, string domain, params string[] headers)
    {
        var signer = new DkimSigner(RepositoryPaths.SharedTestData("dkim", "rfc8463", "test.rsa.private.pem"), domain, "test", DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var input = new MemoryStream(message, writable: false);
        using var mime = MimeMessage.Load(input);
        signer.Sign(format, mime, headers.Length == 0 ? ["From", "To", "Subject", "Date"] : headers);
        using var output = new MemoryStream();
        mime.WriteTo(format, output);
        return output.ToArray();
    }
}
