using Milter.TestKit.Mail;
using System.Text;
using System.Text.RegularExpressions;
using Milter.Authentication.Arc;
using Milter.Authentication.Dkim;
using Milter.Authentication.Tests.Dkim;
using Milter.Authentication.Tests.Spf;
using Milter.Dns;
using MimeKit.Cryptography;

namespace Milter.Authentication.Tests.Arc;

/// <summary>ArcChecker on the RFC 6376 sample message, sealed here by one or two sealers, then altered case by case.</summary>
public class ArcCheckerTests
{
    private const string FirstKey = "test._domainkey.football.example.com";
    private const string SecondKey = "test._domainkey.lists.example.net";

    private static readonly TestArcSealer First = new(
        "football.example.com",
        "mx.football.example.com",
        new AuthenticationMethodResult("dmarc", "pass") { Properties = { new AuthenticationMethodProperty("header", "from", "football.example.com") } });

    private static readonly TestArcSealer Second = new("lists.example.net", "lists.example.net", new AuthenticationMethodResult("arc", "pass"));

    private static byte[] Unsigned() => DkimCorpus.ReadMessage("rfc8463", "unsigned-message.eml");

    private static InMemoryDnsResolver Zone() => new InMemoryDnsResolver().AddTxt(FirstKey, TestArcSealer.KeyRecord).AddTxt(SecondKey, TestArcSealer.KeyRecord);

    private static byte[] OneSet() => First.Seal(Unsigned());

    private static byte[] TwoSets() => Second.Seal(OneSet());

    private static byte[] WithFooter(byte[] message) => [.. message, .. "-- \r\nThe list footer\r\n"u8];

    private static byte[] Edit(byte[] message, string pattern, string replacement)
    {
        var text = Encoding.ASCII.GetString(message);
        var edited = Regex.Replace(text, pattern, replacement, RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        Assert.That(edited, Is.Not.EqualTo(text), $"the pattern {pattern} must change the message");
        return Encoding.ASCII.GetBytes(edited);
    }

    // The three fields of one instance, each with its folded lines.
    private static string SetPattern(int instance) =>
        $@"^ARC-(?:Seal|Message-Signature|Authentication-Results): i={instance};.*\r\n(?:[ \t].*\r\n)*";

    private static async Task<ArcResult> VerifyAsync(byte[] message, IDnsResolver resolver, ArcOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checker = new ArcChecker(new DnsDkimPublicKeyLocator(resolver), options);
        using var stream = new MemoryStream(message, writable: false);
        return await checker.VerifyAsync(stream, cancellationToken);
    }

    [Test]
    public async Task VerifyAsync_NoArcHeaders_None()
    {
        var result = await VerifyAsync(Unsigned(), Zone());

        Assert.That(result, Is.EqualTo(new ArcResult { Result = ArcChainResult.None, Reason = "no ARC header fields" }));
    }

    [Test]
    public async Task VerifyAsync_OneSet_PassWithSealerAndWhatItRecorded()
    {
        var result = await VerifyAsync(OneSet(), Zone());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.Reason), Is.EqualTo((ArcChainResult.Pass, "1 ARC set verified; oldest pass i=1")));
            Assert.That((result.InstanceCount, result.OldestPass), Is.EqualTo((1, 1)));
            var instance = result.Instances.Single();
            Assert.That(
                (instance.Instance, instance.SealDomain, instance.SealSelector, instance.ChainValidation, instance.MessageSignatureDomain, instance.AuthservId),
                Is.EqualTo((1, "football.example.com", "test", "none", "football.example.com", "mx.football.example.com")));
            Assert.That((instance.Seal, instance.MessageSignature), Is.EqualTo((ArcSignatureOutcome.Pass, ArcSignatureOutcome.Pass)));
            var dmarc = instance.Results.Single();
            Assert.That((dmarc.Method, dmarc.Result), Is.EqualTo(("dmarc", "pass")));
            Assert.That(dmarc.Properties, Is.EqualTo(new[] { KeyValuePair.Create("header.from", "football.example.com") }));
            Assert.That(instance.AuthenticationResults, Is.EqualTo("i=1; mx.football.example.com;\tdmarc=pass header.from=football.example.com"),
                "unfolded: the line break goes, the folding white space stays");
        }
    }

    [Test]
    public async Task VerifyAsync_TwoSetsBodyUnchanged_PassOldestPassOne()
    {
        var result = await VerifyAsync(TwoSets(), Zone());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.InstanceCount, result.OldestPass), Is.EqualTo((ArcChainResult.Pass, 2, 1)));
            Assert.That(result.Instances.Select(i => (i.SealDomain, i.ChainValidation, i.Seal, i.MessageSignature)), Is.EqualTo(new[]
            {
                ("football.example.com", "none", ArcSignatureOutcome.Pass, ArcSignatureOutcome.Pass),
                ("lists.example.net", "pass", ArcSignatureOutcome.Pass, ArcSignatureOutcome.Pass),
            }));
            var arc = result.Instances[1].Results.Single();
            Assert.That((arc.Method, arc.Result, arc.Comment, arc.Properties.Count), Is.EqualTo(("arc", "pass", (string?)null, 0)));
        }
    }

    [Test]
    public async Task VerifyAsync_BodyChangedBeforeSecondSeal_PassOldestPassTwo()
    {
        var message = Second.Seal(WithFooter(OneSet()));

        var result = await VerifyAsync(message, Zone());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.OldestPass), Is.EqualTo((ArcChainResult.Pass, 2)));
            Assert.That(result.Instances.Select(i => i.MessageSignature), Is.EqualTo(new[] { ArcSignatureOutcome.Fail, ArcSignatureOutcome.Pass }));
        }
    }

    [Test]
    public async Task VerifyAsync_BodyChangedAfterLastSeal_FailNewestMessageSignature()
    {
        var result = await VerifyAsync(WithFooter(TwoSets()), Zone());

        Assert.That((result.Result, result.Reason, result.OldestPass), Is.EqualTo(
            (ArcChainResult.Fail, "ARC-Message-Signature i=2 did not verify: body hash did not verify", (int?)null)));
    }

    [Test]
    public async Task VerifyAsync_SealedResultsAltered_FailBrokenSeal()
    {
        var message = Edit(OneSet(), "dmarc=pass", "dmarc=fail");

        var result = await VerifyAsync(message, Zone());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.Reason), Is.EqualTo(
                (ArcChainResult.Fail, "ARC-Seal i=1 (d=football.example.com) did not verify: signature did not verify")));
            Assert.That((result.Instances[0].Seal, result.Instances[0].MessageSignature), Is.EqualTo((ArcSignatureOutcome.Fail, ArcSignatureOutcome.Pass)));
        }
    }

    [Test]
    public async Task VerifyAsync_FirstSetRemoved_FailMissingInstance()
    {
        var message = Edit(TwoSets(), SetPattern(1), "");

        var result = await VerifyAsync(message, Zone());

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.Reason, result.InstanceCount), Is.EqualTo((ArcChainResult.Fail, "ARC set i=1 is missing", 2)));
            Assert.That(result.Instances.Select(i => i.SealDomain), Is.EqualTo(new[] { null, "lists.example.net" }));
        }
    }

    [Test]
    public async Task VerifyAsync_InstanceOverFifty_FailMalformed()
    {
        var message = Edit(OneSet(), @"\bi=1;", "i=51;");

        var result = await VerifyAsync(message, Zone());

        Assert.That((result.Result, result.InstanceCount), Is.EqualTo((ArcChainResult.Fail, 0)));
        Assert.That(result.Reason, Does.EndWith("is malformed or its i= is not 1 to 50"));
    }

    [Test]
    public async Task VerifyAsync_SetsOutOfHeaderOrder_PassByInstanceNumber()
    {
        // RFC 8617 orders sets by i=, not by position: the first set moved above the second still validates.
        var message = TwoSets();
        var firstSet = string.Concat(Regex.Matches(Encoding.ASCII.GetString(message), SetPattern(1), RegexOptions.Multiline, TimeSpan.FromSeconds(1)).Select(m => m.Value));
        var reordered = Encoding.ASCII.GetBytes(firstSet + Encoding.ASCII.GetString(Edit(message, SetPattern(1), "")));

        var result = await VerifyAsync(reordered, Zone());

        Assert.That(Encoding.ASCII.GetString(reordered), Does.StartWith("ARC-Seal: i=1;"));
        Assert.That((result.Result, result.OldestPass), Is.EqualTo((ArcChainResult.Pass, 1)));
    }

    [Test]
    public async Task VerifyAsync_NewestSealSaysCvFail_Fail()
    {
        var failing = new TestArcSealer("lists.example.net", "lists.example.net", new AuthenticationMethodResult("arc", "fail"));

        var result = await VerifyAsync(failing.Seal(OneSet()), Zone());

        Assert.That((result.Result, result.Reason), Is.EqualTo((ArcChainResult.Fail, "the newest ARC-Seal (i=2) says cv=fail")));
    }

    [Test]
    public async Task VerifyAsync_FirstSealSaysCvPass_Fail()
    {
        var message = Edit(OneSet(), "cv=none", "cv=pass");

        var result = await VerifyAsync(message, Zone());

        Assert.That((result.Result, result.Reason), Is.EqualTo((ArcChainResult.Fail, "ARC-Seal i=1 has cv=pass, not none")));
    }

    [Test]
    public async Task VerifyAsync_KeyLookupTimesOut_TempError()
    {
        var resolver = new InMemoryDnsResolver().AddTemporaryError(FirstKey);

        var result = await VerifyAsync(OneSet(), resolver);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((result.Result, result.Reason), Is.EqualTo(
                (ArcChainResult.TempError, $"ARC-Message-Signature i=1 did not verify: key lookup failed: {FirstKey}: timeout")));
            Assert.That((result.Instances[0].Seal, result.Instances[0].MessageSignature), Is.EqualTo((ArcSignatureOutcome.TempError, ArcSignatureOutcome.TempError)));
            Assert.That(resolver.QueryCount, Is.EqualTo(1), "one lookup per key and message");
        }
    }

    [Test]
    public async Task VerifyAsync_KeyLookupTimesOutButBodyChanged_Fail()
    {
        var resolver = new InMemoryDnsResolver().AddTemporaryError(FirstKey);

        var result = await VerifyAsync(WithFooter(OneSet()), resolver);

        Assert.That((result.Result, result.Reason), Is.EqualTo((ArcChainResult.Fail, "ARC-Message-Signature i=1 did not verify: body hash did not verify")));
    }

    [Test]
    public async Task VerifyAsync_NoKeyPublished_Fail()
    {
        var result = await VerifyAsync(OneSet(), new InMemoryDnsResolver());

        Assert.That((result.Result, result.Reason), Is.EqualTo(
            (ArcChainResult.Fail, $"ARC-Message-Signature i=1 did not verify: no key: {FirstKey} does not exist (NXDOMAIN)")));
    }

    [Test]
    public async Task VerifyAsync_CancelledDuringKeyLookup_TempError()
    {
        using var timeLimit = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var result = await VerifyAsync(OneSet(), new HangingDnsResolver(), cancellationToken: timeLimit.Token);

        Assert.That((result.Result, result.Reason), Is.EqualTo(
            (ArcChainResult.TempError, "ARC-Message-Signature i=1 did not verify: key lookup cancelled: time limit reached")));
    }

    [Test]
    public async Task VerifyAsync_MoreSetsThanMaxInstances_FailWithoutLookups()
    {
        var resolver = Zone();

        var result = await VerifyAsync(TwoSets(), resolver, new ArcOptions { MaxInstances = 1 });

        Assert.That((result.Result, result.Reason, resolver.QueryCount), Is.EqualTo((ArcChainResult.Fail, "2 ARC sets: at most 1 are validated", 0)));
    }

    [Test]
    public async Task VerifyAsync_MaxSignaturesUnderSetsPlusOne_FailWithoutLookups()
    {
        var resolver = Zone();

        var result = await VerifyAsync(TwoSets(), resolver, new ArcOptions { MaxSignatures = 2 });

        Assert.That((result.Result, result.Reason, resolver.QueryCount), Is.EqualTo(
            (ArcChainResult.Fail, "2 ARC sets: validating them takes more than 2 signatures", 0)));
    }

    [TestCase(3, 2, ArcSignatureOutcome.NotVerified)]
    [TestCase(4, 1, ArcSignatureOutcome.Pass)]
    public async Task VerifyAsync_MaxSignatures_OldestPassSearchedWithinBudget(int maxSignatures, int oldestPass, ArcSignatureOutcome first)
    {
        var result = await VerifyAsync(TwoSets(), Zone(), new ArcOptions { MaxSignatures = maxSignatures });

        Assert.That((result.Result, result.OldestPass, result.Instances[0].MessageSignature), Is.EqualTo((ArcChainResult.Pass, oldestPass, first)));
    }

    [Test]
    public async Task VerifyAsync_EmptyStream_None()
    {
        var result = await VerifyAsync([], Zone());

        Assert.That(result.Result, Is.EqualTo(ArcChainResult.None));
    }

    [Test]
    public void VerifyAsync_NotSeekable_Throws()
    {
        var checker = new ArcChecker(new DnsDkimPublicKeyLocator(Zone()));
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.That(async () => await checker.VerifyAsync(pipe, CancellationToken.None), Throws.ArgumentException);
    }
}
