using MimeKit;
using MimeKit.Cryptography;

namespace Milter.TestKit.Mail;

/// <summary>
/// Seals test messages with MimeKit's ARC signer and the RFC 8463 RSA test key (published at
/// <c>test._domainkey.</c> + the domain), recording the results given, so chains start out valid.
/// </summary>
public sealed class TestArcSealer : ArcSigner
{
    private readonly string _authservId;
    private readonly AuthenticationMethodResult[] _results;

    /// <summary>A sealer for <paramref name="domain"/> whose ARC-Authentication-Results says <paramref name="results"/> under <paramref name="authservId"/>.</summary>
    public TestArcSealer(string domain, string authservId, params AuthenticationMethodResult[] results)
        : base(RepositoryPaths.SharedTestData("dkim", "rfc8463", "test.rsa.private.pem"), domain, "test", DkimSignatureAlgorithm.RsaSha256)
    {
        _authservId = authservId;
        _results = results;
        HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
    }

    /// <summary>The key record the sealer's key is published as, from the RFC 8463 zone.</summary>
    public static string KeyRecord
    {
        get
        {
            const string Name = "test._domainkey.football.example.com ";
            return File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", "rfc8463", "dns.txt")).Single(line => line.StartsWith(Name, StringComparison.Ordinal))[Name.Length..];
        }
    }

    /// <summary><paramref name="message"/> (CRLF bytes) with one more ARC set on top (From, To, Subject and Date signed), as CRLF bytes.</summary>
    public byte[] Seal(byte[] message)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var input = new MemoryStream(message, writable: false);
        using var mime = MimeMessage.Load(input);
        Sign(format, mime, ["From", "To", "Subject", "Date"]);
        using var output = new MemoryStream();
        mime.WriteTo(format, output);
        return output.ToArray();
    }

    protected override long GetTimestamp() => 1_700_000_000;

    protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken)
    {
        var results = new AuthenticationResults(_authservId);
        foreach (var result in _results)
        {
            results.Results.Add(result);
        }

        return results;
    }

    protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(GenerateArcAuthenticationResults(options, message, cancellationToken));
}
