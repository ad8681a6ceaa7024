using System.Text;
using System.Text.RegularExpressions;
using Milter.Authentication.Dkim;
using Milter.Dns;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Milter.Authentication.Tests.Dkim;

/// <summary>DkimChecker on the RFC 6376 sample message, signed here with the RFC 8463 keys, then altered case by case.</summary>
public class DkimCheckerTests
{
    private const string Domain = "football.example.com";
    private const string RsaKeyName = "test._domainkey.football.example.com";

    private static byte[] Unsigned() => DkimCorpus.ReadMessage("rfc8463", "unsigned-message.eml");

    private static DkimSigner RsaSigner(DkimSignatureAlgorithm algorithm = DkimSignatureAlgorithm.RsaSha256) =>
        TestSigner.Rsa(DkimCorpus.PathOf("rfc8463", "test.rsa.private.pem"), Domain, "test", algorithm);

    private static DkimSigner Ed25519Signer() =>
        TestSigner.Ed25519(File.ReadAllText(DkimCorpus.PathOf("rfc8463", "brisbane.ed25519.seed.b64")), Domain, "brisbane");

    private static InMemoryDnsResolver Zone() => DkimCorpus.LoadZone("rfc8463", "dns.txt");

    private static string RsaRecord() =>
        File.ReadAllLines(DkimCorpus.PathOf("rfc8463", "dns.txt")).Single(line => line.StartsWith(RsaKeyName, StringComparison.Ordinal))[(RsaKeyName.Length + 1)..];

    private static byte[] Edit(byte[] message, string pattern, string replacement)
    {
        var text = Encoding.ASCII.GetString(message);
        var edited = Regex.Replace(text, pattern, replacement, RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.That(edited, Is.Not.EqualTo(text), $"the pattern {pattern} must change the message");
        return Encoding.ASCII.GetBytes(edited);
    }

    private static async Task<DkimSignatureResult> VerifySingleAsync(byte[] message, IDnsResolver resolver, DkimOptions? options = null, TimeProvider? clock = null)
    {
        var checker = new DkimChecker(resolver, options, clock ?? new ManualClock(DkimCorpus.Now));
        using var stream = new MemoryStream(message, writable: false);
        var results = await checker.VerifyAsync(stream, CancellationToken.None);
        Assert.That(results, Has.Count.EqualTo(1), DkimCorpus.Describe(results));
        return results[0];
    }

    [Test]
    public async Task VerifyAsync_RsaSignature_PassWithReportedTags()
    {
        var signed = TestSigner.Sign(Unsigned(), RsaSigner());

        var result = await VerifySingleAsync(signed, Zone());

        var b = Regex.Match(Encoding.ASCII.GetString(signed), @"b=([A-Za-z0-9+/]{8})").Groups[1].Value;
        Assert.That(result, Is.EqualTo(new DkimSignatureResult
        {
            Result = DkimResult.Pass,
            Reason = "signature verified",
            Domain = Domain,
            Identity = "@" + Domain,
            Selector = "test",
            Algorithm = "rsa-sha256",
            SignaturePrefix = b,
            KeyBits = 1024,
        }));
    }

    [Test]
    public async Task VerifyAsync_Ed25519Signature_Pass()
    {
        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), Ed25519Signer()), Zone());

        Assert.That((result.Result, result.KeyBits, result.Algorithm), Is.EqualTo((DkimResult.Pass, 256, "ed25519-sha256")), result.Reason);
    }

    [Test]
    public async Task VerifyAsync_MessageWithoutBody_Pass()
    {
        var headerOnly = Encoding.ASCII.GetBytes("From: joe@football.example.com\r\nTo: jdoe@example.com\r\nSubject: empty\r\n\r\n");

        var result = await VerifySingleAsync(TestSigner.Sign(headerOnly, RsaSigner()), Zone());

        Assert.That(result.Result, Is.EqualTo(DkimResult.Pass), result.Reason);
    }

    [Test]
    public async Task VerifyAsync_FromNotInSignedHeaders_PermError()
    {
        var signed = Edit(TestSigner.Sign(Unsigned(), RsaSigner()), @"(?<=[;\s])h=[^;]*;", "h=to:subject:date;");

        var result = await VerifySingleAsync(signed, Zone());

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.PermError, "From is not among the signed header fields (h=)")));
    }

    [TestCase(4, DkimResult.Pass)]
    [TestCase(6, DkimResult.Policy)]
    public async Task VerifyAsync_ExpiryWithFiveMinuteSkew_PassUntilSkewThenPolicy(int minutesPastExpiry, DkimResult expected)
    {
        var signer = RsaSigner();
        signer.SignaturesExpireAfter = TimeSpan.FromHours(1);
        var signed = TestSigner.Sign(Unsigned(), signer);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(Regex.Match(Encoding.ASCII.GetString(signed), @"x=(\d+)").Groups[1].Value));

        var result = await VerifySingleAsync(signed, Zone(), clock: new ManualClock(expiry.AddMinutes(minutesPastExpiry)));

        Assert.That(result.Result, Is.EqualTo(expected), result.Reason);
        if (expected == DkimResult.Policy)
        {
            Assert.That(result.Reason, Does.StartWith("signature expired at "));
        }
    }

    [Test]
    public async Task VerifyAsync_DnsTemporaryError_TempErrorNotFail()
    {
        var resolver = new InMemoryDnsResolver().AddTemporaryError(RsaKeyName);

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner()), resolver);

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.TempError, $"key lookup failed: {RsaKeyName}: timeout")));
    }

    [Test]
    public async Task VerifyAsync_NoKeyRecord_PermErrorNoKey()
    {
        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner()), new InMemoryDnsResolver());

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.PermError, $"no key: {RsaKeyName} does not exist (NXDOMAIN)")));
    }

    [Test]
    public async Task VerifyAsync_RevokedKey_PermError()
    {
        var resolver = new InMemoryDnsResolver().AddTxt(RsaKeyName, "v=DKIM1; k=rsa; p=");

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner()), resolver);

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.PermError, "key revoked (empty p=)")));
    }

    [Test]
    public async Task VerifyAsync_TestingKey_PassReportsTesting()
    {
        var resolver = new InMemoryDnsResolver().AddTxt(RsaKeyName, "v=DKIM1; t=y; " + RsaRecord()["v=DKIM1; ".Length..]);

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner()), resolver);

        Assert.That((result.Result, result.Testing), Is.EqualTo((DkimResult.Pass, true)), result.Reason);
    }

    [Test]
    public async Task VerifyAsync_Ed25519SignatureWithRsaKey_PermError()
    {
        var resolver = new InMemoryDnsResolver().AddTxt("brisbane._domainkey." + Domain, RsaRecord());

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), Ed25519Signer()), resolver);

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.PermError, "key type k=rsa does not match a=ed25519-sha256")));
    }

    [Test]
    public async Task VerifyAsync_TamperedBody_FailBodyHash()
    {
        var signed = Edit(TestSigner.Sign(Unsigned(), RsaSigner()), "Joe", "Jim");

        var result = await VerifySingleAsync(signed, Zone());

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.Fail, "body hash did not verify")));
    }

    [Test]
    public async Task VerifyAsync_TamperedSignedHeader_FailSignature()
    {
        var signed = Edit(TestSigner.Sign(Unsigned(), RsaSigner()), "Subject: Is dinner ready\\?", "Subject: Is lunch ready?");

        var result = await VerifySingleAsync(signed, Zone());

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.Fail, "signature did not verify")));
    }

    [Test]
    public async Task VerifyAsync_BodyLengthTag_Reported()
    {
        // An l= added after signing breaks the signature; what is checked here is that l= is reported.
        var signed = Edit(TestSigner.Sign(Unsigned(), RsaSigner()), "bh=", "l=5; bh=");

        var result = await VerifySingleAsync(signed, Zone());

        Assert.That((result.Result, result.BodyLength), Is.EqualTo((DkimResult.Fail, 5)), result.Reason);
    }

    [Test]
    public async Task VerifyAsync_RsaSha1ByDefault_PolicyWithoutDnsQuery()
    {
        var resolver = Zone();

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner(DkimSignatureAlgorithm.RsaSha1)), resolver);

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.Policy, "rsa-sha1 is not accepted (RFC 8301 section 3.1)")));
        Assert.That(resolver.QueryCount, Is.Zero);
    }

    [Test]
    public async Task VerifyAsync_RsaSha1Allowed_Pass()
    {
        var result = await VerifySingleAsync(
            TestSigner.Sign(Unsigned(), RsaSigner(DkimSignatureAlgorithm.RsaSha1)), Zone(), new DkimOptions { AllowSha1 = true });

        Assert.That(result.Result, Is.EqualTo(DkimResult.Pass), result.Reason);
    }

    [Test]
    public async Task VerifyAsync_Rsa768BitKey_Policy()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), 768, 25));
        var pair = generator.GenerateKeyPair();
        var publicKey = Convert.ToBase64String(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded());
        var resolver = new InMemoryDnsResolver().AddTxt("short._domainkey." + Domain, "v=DKIM1; k=rsa; p=" + publicKey);
        var signer = new DkimSigner(pair.Private, Domain, "short", DkimSignatureAlgorithm.RsaSha256);

        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), signer), resolver);

        Assert.That((result.Result, result.Reason, result.KeyBits), Is.EqualTo(
            (DkimResult.Policy, "RSA key of 768 bits is under the 1024-bit minimum (RFC 8301 section 3.2)", 768)));
    }

    [Test]
    public async Task VerifyAsync_1024BitKeyWith2048BitMinimum_Policy()
    {
        var result = await VerifySingleAsync(TestSigner.Sign(Unsigned(), RsaSigner()), Zone(), new DkimOptions { MinimumRsaKeyBits = 2048 });

        Assert.That((result.Result, result.Reason), Is.EqualTo((DkimResult.Policy, "RSA key of 1024 bits is under the 2048-bit minimum (RFC 8301 section 3.2)")));
    }

    [TestCase(3, new[] { DkimResult.Pass, DkimResult.Pass, DkimResult.Pass })]
    [TestCase(2, new[] { DkimResult.Pass, DkimResult.Pass, DkimResult.Policy })]
    [TestCase(0, new[] { DkimResult.Policy, DkimResult.Policy, DkimResult.Policy })]
    public async Task VerifyAsync_ThreeSignaturesAndMaxSignatures_FurtherOnesNotEvaluated(int maxSignatures, DkimResult[] expected)
    {
        var signed = TestSigner.Sign(TestSigner.Sign(TestSigner.Sign(Unsigned(), RsaSigner()), Ed25519Signer()), RsaSigner());
        var resolver = Zone();
        var checker = new DkimChecker(resolver, new DkimOptions { MaxSignatures = maxSignatures }, new ManualClock(DkimCorpus.Now));

        var results = await checker.VerifyAsync(new MemoryStream(signed, writable: false), CancellationToken.None);

        Assert.That(results.Select(r => r.Result), Is.EqualTo(expected), DkimCorpus.Describe(results));
        Assert.That(results.Where(r => r.Result == DkimResult.Policy).Select(r => r.Reason),
            Is.All.EqualTo($"not evaluated: more than {maxSignatures} signatures"));
        Assert.That(resolver.QueryCount, Is.EqualTo(Math.Min(3, maxSignatures)), "a signature over the limit costs no DNS query");
    }

    [Test]
    public async Task VerifyAsync_CancelledDuringKeyLookup_TempError()
    {
        using var source = new CancellationTokenSource();
        var resolver = new TxtOnlyResolver((_, token) =>
        {
            source.Cancel();
            token.ThrowIfCancellationRequested();
            throw new InvalidOperationException("unreachable: the token was just cancelled");
        });
        var checker = new DkimChecker(resolver, timeProvider: new ManualClock(DkimCorpus.Now));

        var results = await checker.VerifyAsync(new MemoryStream(TestSigner.Sign(Unsigned(), RsaSigner()), writable: false), source.Token);

        Assert.That(results.Select(r => (r.Result, r.Reason)), Is.EqualTo(new[] { (DkimResult.TempError, "key lookup cancelled: time limit reached") }));
    }

    [Test]
    public void VerifyAsync_NonSeekableStream_Throws()
    {
        var checker = new DkimChecker(Zone());
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.That(async () => await checker.VerifyAsync(pipe, CancellationToken.None), Throws.ArgumentException);
    }

    [Test]
    public void VerifyAsync_EmptyStream_ThrowsFormatException()
    {
        var checker = new DkimChecker(Zone());

        Assert.That(async () => await checker.VerifyAsync(new MemoryStream(), CancellationToken.None), Throws.InstanceOf<FormatException>());
    }
}
