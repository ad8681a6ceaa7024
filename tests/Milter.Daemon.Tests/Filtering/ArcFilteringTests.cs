using System.Net;
using Milter.Dns;
using Milter.Protocol;
using Milter.TestKit;
using Milter.TestKit.Client;
using Milter.TestKit.Mail;
using MimeKit.Cryptography;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>ARC through the daemon's handler, and the ArcTrustedSealers override of a DMARC reject.</summary>
public class ArcFilteringTests
{
    private const string Sealer = "lists.example.net";
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.7");

    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp() => _dns = new InMemoryDnsResolver()
        .AddTxt($"test._domainkey.{Sealer}", TestArcSealer.KeyRecord)
        .AddTxt("_dmarc.football.example.com", "v=DMARC1; p=reject");

    [Test]
    public async Task EndOfMessage_SealedMessage_ReportsPassWithOldestPassAndRemoteIp()
    {
        var header = ResultsHeader(await SendAsync(Sealed(), "DmarcMode off"));

        Assert.That(header, Is.EqualTo(" mx.test.example; dkim=none; arc=pass header.oldest-pass=1 smtp.remote-ip=198.51.100.7"));
    }

    [Test]
    public async Task EndOfMessage_Unsealed_ReportsNone()
    {
        var header = ResultsHeader(await SendAsync(Unsigned(), "DmarcMode off"));

        Assert.That(header, Does.EndWith("; arc=none smtp.remote-ip=198.51.100.7"));
    }

    [Test]
    public async Task EndOfMessage_DmarcRejectWithoutTrustedSealer_IsRejected()
    {
        var result = await SendAsync(Sealed());

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for football.example.com"));
    }

    [Test]
    public async Task EndOfMessage_DmarcRejectSealedByTrustedSealerWithDmarcPass_IsDeliveredAndNoted()
    {
        var result = await SendAsync(Sealed(), $"ArcTrustedSealers {Sealer}");

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(ResultsHeader(result), Does.EndWith($"dmarc=fail (p=reject sp=reject dis=reject; local policy: arc override by {Sealer}) header.from=football.example.com"));
    }

    private static byte[] Unsigned() =>
        System.Text.Encoding.ASCII.GetBytes(File.ReadAllText(RepositoryPaths.SharedTestData("dkim", "rfc8463", "unsigned-message.eml")).ReplaceLineEndings("\r\n"));

    // The list saw the original pass DMARC and recorded it before sealing (the original DKIM signature is gone).
    private static byte[] Sealed() =>
        new TestArcSealer(Sealer, Sealer, new AuthenticationMethodResult("dmarc", "pass")).Seal(Unsigned());

    private static string ResultsHeader(MilterTransactionResult result) =>
        result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results").Value;

    private Task<MilterTransactionResult> SendAsync(byte[] message, params string[] settings) =>
        FilterHarness.SendAsync(
            FilterHarness.Settings(["SpfMode off", "IprevCheck no", .. settings]),
            _dns,
            ParsedEml.Parse(message),
            "<list-bounces@lists.example.net>",
            Client,
            "mail.lists.example.net");
}
