using System.Net;
using System.Text;
using Milter.Dns;
using Milter.TestKit.Client;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>iprev through the daemon's handler: checked once per connection, reported first.</summary>
public class IprevFilteringTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");
    private static readonly ParsedEml Message = ParsedEml.Parse(Encoding.ASCII.GetBytes("From: a@example.org\r\n\r\nHi\r\n"));

    [Test]
    public async Task EndOfMessage_ConfirmedPtr_ReportsPassWithTheName()
    {
        var dns = new InMemoryDnsResolver().AddPtr(Client, "mail.example.org").AddAddress("mail.example.org", Client);

        var header = await ResultsHeaderAsync(dns, "IprevCheck yes");

        Assert.That(header, Is.EqualTo(" mx.test.example; iprev=pass (mail.example.org) policy.iprev=192.0.2.1"));
    }

    [Test]
    public async Task EndOfMessage_NoPtr_ReportsFail()
    {
        var header = await ResultsHeaderAsync(new InMemoryDnsResolver(), "IprevCheck yes");

        Assert.That(header, Is.EqualTo(" mx.test.example; iprev=fail (no PTR record) policy.iprev=192.0.2.1"));
    }

    [Test]
    public async Task EndOfMessage_TwoMessagesOnOneConnection_LooksUpOnce()
    {
        var dns = new InMemoryDnsResolver().AddPtr(Client, "mail.example.org").AddAddress("mail.example.org", Client);
        var settings = FilterHarness.Settings("SpfMode off", "DkimVerify no", "DmarcMode off", "ArcVerify no");
        await using var server = await FilterHarness.StartAsync(settings, dns);
        await using var connection = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await connection.NegotiateAsync();
        await connection.ConnectAsync("mail.example.org", Client, 25);
        await connection.HeloAsync("mail.example.org");

        await connection.SendMessageAsync(Message, new MilterEnvelope("<a@example.org>", "<b@example.test>"));
        await connection.SendMessageAsync(Message, new MilterEnvelope("<a@example.org>", "<c@example.test>"));

        Assert.That(dns.QueryCount, Is.EqualTo(2), "one PTR and one A query for the whole connection");
    }

    [TestCase(true, " mx.test.example; none")]
    [TestCase(false, " mta.example.net; none")]
    public async Task EndOfMessage_AuthservId_IsConfiguredOrTheMtasHostName(bool configured, string expected)
    {
        var settings = configured
            ? FilterHarness.Settings("SpfMode off", "DkimVerify no", "DmarcMode off", "ArcVerify no", "IprevCheck no")
            : Milter.Daemon.Configuration.MilterConfigFile.Parse("test.conf", ["SpfMode off", "DkimVerify no", "DmarcMode off", "ArcVerify no", "IprevCheck no"]);
        await using var server = await FilterHarness.StartAsync(settings, new InMemoryDnsResolver());
        await using var connection = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await connection.NegotiateAsync();
        await connection.ConnectAsync("mail.example.org", Client, 25, new Dictionary<string, string> { ["j"] = "mta.example.net" });

        var result = await connection.SendMessageAsync(Message, new MilterEnvelope("<a@example.org>", "<b@example.test>"));

        Assert.That(result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single().Value, Is.EqualTo(expected));
    }

    private static async Task<string> ResultsHeaderAsync(IDnsResolver dns, string iprev)
    {
        var settings = FilterHarness.Settings("SpfMode off", "DkimVerify no", "DmarcMode off", "ArcVerify no", iprev);
        var result = await FilterHarness.SendAsync(settings, dns, Message, "<a@example.org>", Client, "mail.example.org");
        return result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results").Value;
    }
}
