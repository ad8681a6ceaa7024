using System.Text;
using Milter.IntegrationTests.Support;
using Milter.TestKit.Daemon;
using Milter.TestKit.Dns;
using Milter.TestKit.Postfix;
using NUnit.Framework;

namespace Milter.IntegrationTests.Spf;

/// <summary>
/// SPF end to end: a real Postfix hands mail (client address and HELO set with XCLIENT) to the real authmilter
/// process, which resolves through a real Knot DNS server on loopback; the sink shows what was delivered.
/// </summary>
[NonParallelizable]
public class SpfThroughPostfixTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes("From: user@example.test\r\nSubject: spf\r\n\r\nHello\r\n");

    private KnotDnsServer _dns = null!;
    private DaemonMailPath _path = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dns = await KnotDnsServer.StartAsync(
        [
            new DnsTestZone("pass.test", """
                @      TXT "v=spf1 include:_spf.pass.test -all"
                _spf   TXT "v=spf1 ip4:192.0.2.0/24 -all"
                mail   A   192.0.2.1
                mail   TXT "v=spf1 a -all"
                """),
            new DnsTestZone("fail.test", """
                @      TXT "v=spf1 -all exp=why.fail.test"
                why    TXT "%{i} may not send for %{d}"
                """),
            new DnsTestZone("soft.test", """@ TXT "v=spf1 ~all" """),
            new DnsTestZone("perm.test", """@ TXT "v=spf1 ip4:192.0.2.0/33 -all" """),
        ]);
        _path = await DaemonMailPath.StartAsync(
        [
            "AuthservId mx.test",
            $"Nameservers {_dns.EndPoint}",
            "SpfMode enforce",
            "SpfRejectOn fail",
            "DkimVerify no",
            "DmarcMode off",
            "IprevCheck no",
            "ArcVerify no",
        ]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _path.DisposeAsync();
        _dns.Dispose();
    }

    [Test]
    public async Task Pass_IsDeliveredWithReceivedSpfAndAuthenticationResults()
    {
        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.pass.test");

        var reply = await client.SendMessageAsync("user@pass.test", ["rcpt@example.test"], Message);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var delivered = await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
        Assert.That(delivered.HeaderLines[0], Is.EqualTo("Authentication-Results: mx.test; spf=pass smtp.mailfrom=pass.test; spf=pass smtp.helo=mail.pass.test"));
        Assert.That(delivered.HeaderLines[1], Does.StartWith("Received-SPF: pass (mx.test: domain of user@pass.test designates 192.0.2.1 as permitted sender)"));
        Assert.That(delivered.HeaderLines[1], Does.Contain("mechanism=\"include:_spf.pass.test\""));
    }

    [Test]
    public async Task Fail_IsRefusedAtMailFromWith5723AndTheExplanation()
    {
        await using var client = await _path.Mail.ConnectAsync("198.51.100.9", "mail.pass.test");

        var reply = await client.MailFromAsync("user@fail.test");

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("5.7.23 SPF MAIL FROM check fail: 198.51.100.9 may not send for fail.test"));
    }

    [Test]
    public async Task Softfail_IsDeliveredAndReported()
    {
        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.pass.test");

        var reply = await client.SendMessageAsync("user@soft.test", ["rcpt@example.test"], Message);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var delivered = await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
        Assert.That(delivered.HeaderLines[0], Is.EqualTo("Authentication-Results: mx.test; spf=softfail smtp.mailfrom=soft.test; spf=pass smtp.helo=mail.pass.test"));
        Assert.That(delivered.HeaderLines[1], Does.StartWith("Received-SPF: softfail "));
    }

    [Test]
    public async Task Permerror_IsDeliveredAndReportedWithTheProblem()
    {
        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.pass.test");

        var reply = await client.SendMessageAsync("user@perm.test", ["rcpt@example.test"], Message);

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var delivered = await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
        Assert.That(delivered.HeaderLines[0], Does.StartWith("Authentication-Results: mx.test; spf=permerror ("));
        Assert.That(delivered.HeaderLines[1], Does.StartWith("Received-SPF: permerror ").And.Contain("problem="));
    }

    [Test]
    public async Task Temperror_FromAnUnreachableNameserver_IsTempfailedWith4724()
    {
        using var silent = new SilentDnsEndpoint();
        await using var path = await DaemonMailPath.StartAsync(
        [
            "AuthservId mx.test",
            $"Nameservers {silent.EndPoint}",
            "DnsTimeout 300ms",
            "DnsRetries 0",
            "SpfMode enforce",
            "SpfTempfailOnError yes",
            "DmarcMode off",
            "IprevCheck no",
            "ArcVerify no",
        ]);
        await using var client = await path.Mail.ConnectAsync("192.0.2.1", "mail.pass.test");

        var reply = await client.MailFromAsync("user@pass.test");

        Assert.That(reply.Code, Is.EqualTo(451), reply.ToString());
        Assert.That(reply.Text, Does.StartWith("4.7.24 SPF check for pass.test failed temporarily"));
    }
}
