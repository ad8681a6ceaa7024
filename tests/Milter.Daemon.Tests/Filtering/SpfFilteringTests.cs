using System.Net;
using System.Text;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Protocol;
using Milter.Protocol.Hosting;
using Milter.TestKit.Client;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>SPF through the daemon's handler, served by the real engine over loopback, with DNS from an in-memory zone.</summary>
public class SpfFilteringTests
{
    private const string Helo = "mail.example.org";
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly ParsedEml Message = ParsedEml.Parse(Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n"));

    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _dns = new InMemoryDnsResolver()
            .AddTxt("example.org", "v=spf1 ip4:192.0.2.0/28 -all")
            .AddTxt(Helo, "v=spf1 a -all").AddAddress(Helo, Client)
            .AddTxt("soft.example", "v=spf1 ~all")
            .AddTemporaryError("broken.example");
    }

    [Test]
    public async Task EndOfMessage_Pass_WritesReceivedSpfAndBothSpfResults()
    {
        var result = await SendAsync(Settings(), "<a@example.org>");

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(result.EndOfMessage!.Modifications, Is.EqualTo(new MilterClientModification[]
        {
            new MilterClientModification.InsertHeader(0, "Received-SPF",
                " pass (mx.test.example: domain of a@example.org designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=\"a@example.org\"; helo=mail.example.org; receiver=mx.test.example; identity=mailfrom; mechanism=\"ip4:192.0.2.0/28\";"),
            new MilterClientModification.InsertHeader(0, "Authentication-Results",
                " mx.test.example; spf=pass smtp.mailfrom=example.org; spf=pass smtp.helo=mail.example.org; dkim=none"),
        }));
    }

    [Test]
    public async Task EndOfMessage_NullSender_ReportsTheHeloCheckOnce()
    {
        var result = await SendAsync(Settings(), "<>");

        var resultsHeader = result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results");
        Assert.That(resultsHeader.Value, Is.EqualTo(" mx.test.example; spf=pass smtp.helo=mail.example.org; dkim=none"));
    }

    [Test]
    public async Task EndOfMessage_SpfIgnoreHelo_ReportsOnlyMailFrom()
    {
        var result = await SendAsync(Settings("SpfIgnoreHelo yes"), "<a@example.org>");

        var resultsHeader = result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results");
        Assert.That(resultsHeader.Value, Is.EqualTo(" mx.test.example; spf=pass smtp.mailfrom=example.org; dkim=none"));
    }

    [Test]
    public async Task MailFrom_FailInHeaderMode_IsOnlyReported()
    {
        var result = await SendAsync(Settings(), "<a@example.org>", IPAddress.Parse("198.51.100.7"));

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        var resultsHeader = result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results");
        Assert.That(resultsHeader.Value, Is.EqualTo(" mx.test.example; spf=fail smtp.mailfrom=example.org; spf=fail smtp.helo=mail.example.org; dkim=none"));
    }

    [Test]
    public async Task MailFrom_FailInEnforceMode_IsRefusedWith5723()
    {
        var result = await SendAsync(Settings("SpfMode enforce", "SpfIgnoreHelo yes"), "<a@example.org>", IPAddress.Parse("198.51.100.7"));

        Assert.That(result.LastCommand, Is.EqualTo(MilterCommandCode.Mail));
        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.ReplyCode));
        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.23 SPF MAIL FROM check fail: 198.51.100.7 is not one of example.org's designated mail servers."));
    }

    [Test]
    public async Task MailFrom_HeloFailsInEnforceMode_IsRefused()
    {
        _dns.AddTxt("other.example", "v=spf1 +all");

        var result = await SendAsync(Settings("SpfMode enforce"), "<a@other.example>", IPAddress.Parse("198.51.100.7"));

        Assert.That(result.Reply.Text, Does.StartWith("550 5.7.23 SPF HELO check fail:"));
    }

    [TestCase("fail", MilterReplyCode.Continue)]
    [TestCase("fail,softfail", MilterReplyCode.ReplyCode)]
    public async Task MailFrom_SoftfailInEnforceMode_FollowsSpfRejectOn(string rejectOn, MilterReplyCode expected)
    {
        var result = await SendAsync(Settings("SpfMode enforce", "SpfIgnoreHelo yes", $"SpfRejectOn {rejectOn}"), "<a@soft.example>");

        Assert.That(result.Reply.Code, Is.EqualTo(expected));
    }

    [TestCase("no", MilterReplyCode.Continue)]
    [TestCase("yes", MilterReplyCode.ReplyCode)]
    public async Task MailFrom_TemperrorInEnforceMode_FollowsSpfTempfailOnError(string tempfail, MilterReplyCode expected)
    {
        var result = await SendAsync(Settings("SpfMode enforce", "SpfIgnoreHelo yes", $"SpfTempfailOnError {tempfail}"), "<a@broken.example>");

        Assert.That(result.Reply.Code, Is.EqualTo(expected));
        if (expected == MilterReplyCode.ReplyCode)
        {
            Assert.That(result.Reply.Text, Does.StartWith("451 4.7.24 "));
        }
    }

    [Test]
    public async Task EndOfMessage_SpfModeOff_WritesNoSpfResult()
    {
        var result = await SendAsync(Settings("SpfMode off", "DkimVerify no"), "<a@example.org>");

        Assert.That(result.EndOfMessage!.Modifications, Is.EqualTo(new MilterClientModification[]
        {
            new MilterClientModification.InsertHeader(0, "Authentication-Results", " mx.test.example; none"),
        }));
        Assert.That(_dns.QueryCount, Is.Zero);
    }

    [Test]
    public async Task MailFrom_AuthenticatedClient_IsNotChecked()
    {
        await using var server = await StartAsync(Settings("SpfMode enforce"));
        await using var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync(Helo, IPAddress.Parse("198.51.100.7"), 25);
        await client.HeloAsync(Helo);

        var reply = await client.MailFromAsync("<a@example.org>", null, new Dictionary<string, string> { ["{auth_authen}"] = "alice" });

        Assert.That(reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(_dns.QueryCount, Is.Zero);
    }

    [Test]
    public async Task EndOfMessage_AuthenticatedClient_GetsOnlyAnAuthNote()
    {
        await using var server = await StartAsync(Settings());
        await using var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync(Helo, IPAddress.Parse("198.51.100.7"), 25);
        await client.HeloAsync(Helo);
        await client.MailFromAsync("<a@example.org>", null, new Dictionary<string, string> { ["{auth_authen}"] = "alice" });
        await client.RecipientAsync("<b@example.test>");
        await client.DataAsync();
        await client.HeaderAsync("From", " a@example.org");
        await client.EndOfHeadersAsync();
        await client.BodyAsync("Hi\r\n"u8.ToArray());

        var end = await client.EndOfMessageAsync();

        Assert.That(end.Modifications, Is.EqualTo(new MilterClientModification[]
        {
            new MilterClientModification.InsertHeader(0, "Authentication-Results", " mx.test.example; auth=pass smtp.auth=alice"),
        }));
    }

    [Test]
    public async Task Abort_WhileSpfRunsInHeaderMode_CancelsTheCheck()
    {
        var slow = new BlockingResolver();
        await using var server = await FilterHarness.StartAsync(Settings(), slow);
        await using var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync(Helo, Client, 25);
        await client.HeloAsync(Helo);

        // MAIL FROM is not answered in header mode, so the client sends it together with the ABORT.
        await client.MailFromAsync("<a@example.org>");
        await client.AbortAsync();

        await slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await slow.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class BlockingResolver : IDnsResolver
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }

            throw new InvalidOperationException("unreachable");
        }

        public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static MilterSettings Settings(params string[] lines) => FilterHarness.Settings(["DmarcMode off", "IprevCheck no", "ArcVerify no", .. lines]);

    private Task<MilterServer> StartAsync(MilterSettings settings) => FilterHarness.StartAsync(settings, _dns);

    private Task<MilterTransactionResult> SendAsync(MilterSettings settings, string sender, IPAddress? client = null) =>
        FilterHarness.SendAsync(settings, _dns, Message, sender, client ?? Client, Helo);
}
