using System.Text;
using System.Text.RegularExpressions;
using Milter.IntegrationTests.Support;
using Milter.TestKit;
using Milter.TestKit.Dns;
using Milter.TestKit.Mail;
using Milter.TestKit.Postfix;
using MimeKit;
using NUnit.Framework;

namespace Milter.IntegrationTests.Dmarc;

/// <summary>
/// DMARC end to end: a real Postfix hands mail (client address set with XCLIENT) to the real authmilter process in
/// enforce mode, which finds SPF, DKIM keys and DMARC records on a real Knot DNS server; each scenario asserts the
/// exact Authentication-Results line that reaches the sink (or the hold queue), or the SMTP reply.
/// </summary>
[NonParallelizable]
public partial class DmarcThroughPostfixTests
{
    // In every SPF record; any other client address fails SPF, as a forwarder's does.
    private const string Permitted = "192.0.2.1";
    private const string Forwarder = "198.51.100.7";

    private KnotDnsServer _dns = null!;
    private DaemonMailPath _path = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // One root zone, as the Internet answers: tree walks above the organizational domain (_dmarc.test) end in
        // NXDOMAIN rather than a refusal, which would make every evaluation that needs the organizational domain a temperror.
        var key = $"\"{TestArcSealer.KeyRecord}\"";
        _dns = await KnotDnsServer.StartAsync(
        [
            new DnsTestZone(".", $"""
                reject.test                   TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.reject.test            TXT "v=DMARC1; p=reject"
                test._domainkey.reject.test   TXT {key}
                none.test                     TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.none.test              TXT "v=DMARC1; p=none"
                quarantine.test               TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.quarantine.test        TXT "v=DMARC1; p=quarantine"
                pct.test                      TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.pct.test               TXT "v=DMARC1; p=reject; pct=0"
                example.test                  TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.example.test           TXT "v=DMARC1; p=reject; sp=none"
                test._domainkey.signer.test   TXT {key}
                """),
        ]);
        _path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _path.DisposeAsync();
        _dns.Dispose();
    }

    [Test]
    public async Task AlignedSpfPass_IsDeliveredWithDmarcPass()
    {
        var delivered = await DeliverAsync(Permitted, "user@reject.test", DmarcMail.Message("user@reject.test", "aligned spf"));

        Assert.That(delivered.HeaderLines[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=pass smtp.mailfrom=reject.test; dkim=none; dmarc=pass (p=reject sp=reject dis=none) header.from=reject.test"));
    }

    [Test]
    public async Task AlignedDkimPass_ThroughAForwarderFailingSpf_IsDeliveredWithDmarcPass()
    {
        var message = TestDkimSigner.Sign(DmarcMail.Message("user@reject.test", "forwarded"), "reject.test");

        var delivered = await DeliverAsync(Forwarder, "user@reject.test", message);

        Assert.That(delivered.HeaderLines[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=fail smtp.mailfrom=reject.test; "
            + $"dkim=pass header.d=reject.test header.i=@reject.test header.s=test header.a=rsa-sha256 header.b={SignaturePrefix(message)}; "
            + "dmarc=pass (p=reject sp=reject dis=none) header.from=reject.test"));
    }

    [Test]
    public async Task DkimPassForAnotherDomain_WithSpfFail_IsDmarcFail()
    {
        var message = TestDkimSigner.Sign(DmarcMail.Message("user@none.test", "unaligned dkim"), "signer.test");

        var delivered = await DeliverAsync(Forwarder, "user@none.test", message);

        Assert.That(delivered.HeaderLines[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=fail smtp.mailfrom=none.test; "
            + $"dkim=pass header.d=signer.test header.i=@signer.test header.s=test header.a=rsa-sha256 header.b={SignaturePrefix(message)}; "
            + "dmarc=fail (p=none sp=none dis=none) header.from=none.test"));
    }

    [Test]
    public async Task SpoofedFrom_UnderPolicyReject_IsRefusedWith5726AndNotDelivered()
    {
        await using var client = await _path.Mail.ConnectAsync(Forwarder, "mail.forwarder.test");

        var reply = await client.SendMessageAsync("user@reject.test", [TestMessages.Recipient], DmarcMail.Message("ceo@reject.test", "spoofed"));

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("5.7.26 Rejected by DMARC policy for reject.test"));
        await SinkAssert.NextIsCanaryAsync(_path.Mail, client, "canary after dmarc reject");
    }

    [Test]
    public async Task PolicyQuarantine_PutsTheMessageOnHold()
    {
        var headers = await HoldAsync("user@quarantine.test", DmarcMail.Message("user@quarantine.test", "quarantine"));

        Assert.That(headers[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=fail smtp.mailfrom=quarantine.test; dkim=none; dmarc=fail (p=quarantine sp=quarantine dis=quarantine) header.from=quarantine.test"));
    }

    [Test]
    public async Task PolicyNone_IsDeliveredWithDmarcFail()
    {
        var delivered = await DeliverAsync(Forwarder, "user@none.test", DmarcMail.Message("user@none.test", "p=none"));

        Assert.That(delivered.HeaderLines[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=fail smtp.mailfrom=none.test; dkim=none; dmarc=fail (p=none sp=none dis=none) header.from=none.test"));
    }

    [Test]
    public async Task Subdomain_WithoutItsOwnRecord_GetsTheOrganizationalDomainsSubdomainPolicy()
    {
        // p=reject would refuse it: only sp=none lets it through.
        var delivered = await DeliverAsync(Forwarder, "user@sub.example.test", DmarcMail.Message("user@sub.example.test", "sp=none"));

        Assert.That(delivered.HeaderLines[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=none smtp.mailfrom=sub.example.test; dkim=none; dmarc=fail (p=reject sp=none dis=none) header.from=sub.example.test"));
    }

    [Test]
    public async Task Pct0_Rfc7489Record_LowersRejectToQuarantine()
    {
        var headers = await HoldAsync("user@pct.test", DmarcMail.Message("user@pct.test", "pct=0"));

        Assert.That(headers[0], Is.EqualTo(
            "Authentication-Results: mx.test; spf=fail smtp.mailfrom=pct.test; dkim=none; dmarc=fail (p=reject sp=reject dis=quarantine) header.from=pct.test"));
    }

    [Test]
    public async Task TwoAuthorDomains_TheStrictestPolicyWins()
    {
        await using var client = await _path.Mail.ConnectAsync(Forwarder, "mail.forwarder.test");

        // The first author's domain asks for nothing; the second one's reject must not be lost.
        var reply = await client.SendMessageAsync("user@none.test", [TestMessages.Recipient], DmarcMail.Message("a@none.test, b@reject.test", "two authors"));

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("5.7.26 Rejected by DMARC policy for reject.test"));
        await SinkAssert.NextIsCanaryAsync(_path.Mail, client, "canary after two authors");
    }

    [Test]
    public async Task ForgedResultsWithOurAuthservId_AreRemoved_OthersKept()
    {
        const string Forged = "Authentication-Results: mx.test; dmarc=pass header.from=reject.test\r\n";
        const string Upstream = "Authentication-Results: upstream.example; spf=pass smtp.mailfrom=reject.test";
        var message = Encoding.ASCII.GetBytes(Forged + Forged + Upstream + "\r\n" + Forged).Concat(DmarcMail.Message("user@reject.test", "forged")).ToArray();

        var delivered = await DeliverAsync(Permitted, "user@reject.test", message);

        Assert.That(delivered.HeaderLines.Where(line => line.StartsWith("Authentication-Results:", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(new[]
        {
            "Authentication-Results: mx.test; spf=pass smtp.mailfrom=reject.test; dkim=none; dmarc=pass (p=reject sp=reject dis=none) header.from=reject.test",
            Upstream,
        }));
    }


    // header.b (RFC 6008): the first 8 characters of the signature's b= value.
    private static string SignaturePrefix(byte[] signed)
    {
        using var input = new MemoryStream(signed, writable: false);
        using var mime = MimeMessage.Load(input);
        var signature = mime.Headers[HeaderId.DkimSignature] ?? throw new InvalidOperationException("the message is not signed");
        var b = SignatureTag().Match(signature).Groups[1].Value;
        return new string(b.Where(c => !char.IsWhiteSpace(c)).Take(8).ToArray());
    }

    [GeneratedRegex(@"(?:^|;)\s*b=([^;]*)")]
    private static partial Regex SignatureTag();

    private async Task<SmtpSinkMessage> DeliverAsync(string clientAddress, string mailFrom, byte[] message)
    {
        await using var client = await _path.Mail.ConnectAsync(clientAddress, "mail.sender.test");
        var reply = await client.SendMessageAsync(mailFrom, [TestMessages.Recipient], message);
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        return await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
    }

    // Sends from the forwarder (SPF fail, nothing signed), asserts the message is on hold and not relayed, and
    // returns the header lines of the held copy as postcat prints them.
    private async Task<string[]> HoldAsync(string mailFrom, byte[] message)
    {
        await using var client = await _path.Mail.ConnectAsync(Forwarder, "mail.forwarder.test");
        var reply = await client.SendMessageAsync(mailFrom, [TestMessages.Recipient], message);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var held = (await _path.Mail.Postfix.ListQueueAsync()).SingleOrDefault(entry => entry.QueueId == reply.PostfixQueueId);
        Assert.That(held?.QueueName, Is.EqualTo("hold"), $"queue id {reply.PostfixQueueId}");
        await SinkAssert.NextIsCanaryAsync(_path.Mail, client, $"canary after hold of {mailFrom}");
        var (exitCode, output) = await ExternalCommand.RunAsync("postcat", ["-c", _path.Mail.Postfix.ConfigDirectory, "-h", "-q", reply.PostfixQueueId!], MailPath.Timeout);
        Assert.That(exitCode, Is.Zero, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith("*** ", StringComparison.Ordinal)).ToArray();
    }
}
