using System.Net;
using System.Text;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;
using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests;

/// <summary>What the handler is told by real Postfix: client, HELO, envelope, exact header bytes, body, queue id.</summary>
[TestFixture]
public sealed class HandlerViewTests : MailPathFixture
{
    private RecordedMessage _seen = null!;
    private SmtpReply _reply = null!;

    [OneTimeSetUp]
    public async Task SendOneMessageAsync()
    {
        await using var client = await Path.ConnectAsync(clientAddress: "192.0.2.77", helo: "view.example");
        _reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient, "carol@example.net"], TestMessages.Load("headers.eml"));
        await client.QuitAsync();
        await Path.Sink.ReceiveAsync(MailPath.Timeout);
        _seen = Handlers.Recording.MessageWithQueueId(_reply.PostfixQueueId);
    }

    [Test]
    public void Connect_XclientAddress_IsTheClient()
    {
        Assert.That(_reply.Code, Is.EqualTo(250), _reply.ToString());
        Assert.That(_seen.Client, Is.Not.Null);
        Assert.That(_seen.Client!.Address, Is.EqualTo(IPAddress.Parse("192.0.2.77")));
        Assert.That(_seen.Client.Family, Is.EqualTo(MilterAddressFamily.Inet));
    }

    [Test]
    public void Helo_XclientAndEhloName_IsTheHelo() => Assert.That(_seen.Helo, Is.EqualTo("view.example"));

    [Test]
    public void Envelope_SenderAndRecipients_AsSent()
    {
        Assert.That(_seen.Sender!.Address, Is.EqualTo(TestMessages.Sender));
        Assert.That(_seen.Recipients.Select(r => r.Address), Is.EqualTo(new[] { TestMessages.Recipient, "carol@example.net" }));
    }

    [Test]
    public void Headers_LeadingSpaceAndFolding_KeptExactly()
    {
        // Postfix does not show milters its own Received field. The message's fields arrive exactly as written after
        // the colon (SMFIP_HDR_LEADSPC), except that Postfix stores lines without CR: a fold arrives as LF + white space.
        Assert.That(_seen.Headers.Select(Escaped), Is.EqualTo(new[]
        {
            @"From: Alice <alice@example.org>",
            @"To: bob@example.net",
            @"Subject: folded\n over two lines",
            @"X-Tight:no space after the colon",
            @"X-Tab:\ttab after the colon",
            @"X-Spaces:   three spaces",
            @"Date: Tue, 12 Nov 2024 09:14:02 +0100",
            @"Message-ID: <handler-view@example.org>",
        }));
    }

    [Test]
    public void Body_WithLeadingDotLine_ArrivesUnstuffedWithCrlf() =>
        Assert.That(
            Encoding.UTF8.GetString(_seen.Body),
            Is.EqualTo("First body line.\r\n.A line that starts with a dot.\r\nLast body line.\r\n"));

    [Test]
    public void QueueId_AtEndOfMessage_IsPostfixQueueId()
    {
        Assert.That(_reply.PostfixQueueId, Is.Not.Null.And.Not.Empty);
        Assert.That(_seen.QueueId, Is.EqualTo(_reply.PostfixQueueId));
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) => MilterMessageResult.ContinueUnchanged;

    private static string Escaped(MilterHeader header) =>
        header.Name + ":" + header.Value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}
