using Milter.IntegrationTests.Support;
using Milter.TestKit.Dns;
using NUnit.Framework;

namespace Milter.IntegrationTests.Dmarc;

/// <summary>
/// The DMARC settings that need their own authmilter process: a nameserver that never answers with
/// <c>DmarcTempfailOnError yes</c>, and <c>RejectMultiValueFrom yes</c>, which refuses before any policy counts.
/// </summary>
[NonParallelizable]
public class DmarcStrictSettingsTests
{
    private SilentDnsEndpoint _silent = null!;
    private DaemonMailPath _path = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _silent = new SilentDnsEndpoint();
        _path = await DaemonMailPath.StartAsync(DmarcMail.Config(_silent.EndPoint, "DnsTimeout 300ms", "DnsRetries 0", "DmarcTempfailOnError yes", "RejectMultiValueFrom yes"));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _path.DisposeAsync();
        _silent.Dispose();
    }

    [Test]
    public async Task DnsTimeout_WithTempfailOnError_IsTempfailedWith443()
    {
        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.sender.test");

        var reply = await client.SendMessageAsync("user@example.test", [TestMessages.Recipient], DmarcMail.Message("user@example.test", "dns timeout"));

        Assert.That(reply.Code, Is.EqualTo(451), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("4.4.3 DMARC check for example.test failed temporarily; try again later"));
    }

    [Test]
    public async Task TwoAuthors_WithRejectMultiValueFrom_AreRefusedWith571()
    {
        await using var client = await _path.Mail.ConnectAsync("192.0.2.1", "mail.sender.test");

        var reply = await client.SendMessageAsync("user@example.test", [TestMessages.Recipient], DmarcMail.Message("a@example.test, b@example.org", "two authors"));

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("5.7.1 message has several From authors (2 addresses in the From header field)"));
    }
}
