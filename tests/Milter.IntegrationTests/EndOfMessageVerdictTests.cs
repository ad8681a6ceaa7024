using System.Text.RegularExpressions;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>End-of-message verdicts other than continue, as the SMTP client of real Postfix sees them.</summary>
[TestFixture]
public sealed class EndOfMessageVerdictTests : MailPathFixture
{
    [Test]
    public async Task CustomReply_AtEndOfMessage_ClientGetsExactReplyAndNothingIsRelayed()
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("reply"));

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Is.EqualTo("5.7.1 custom text"));
        await Path.Postfix.WaitForMaillogAsync(new Regex(@"milter-reject: END-OF-MESSAGE from unknown\[192\.0\.2\.1\]: 5\.7\.1 custom text;"), MailPath.Timeout);
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after reply");
    }

    [Test]
    public async Task Reject_AtEndOfMessage_ClientGets5xxAndNothingIsRelayed()
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("reject"));

        Assert.That(reply.Code, Is.EqualTo(550), reply.ToString());
        Assert.That(reply.Text, Does.StartWith("5.7.1"));
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after reject");
    }

    [Test]
    public async Task Tempfail_AtEndOfMessage_ClientGets4xxAndNothingIsRelayed()
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("tempfail"));

        Assert.That(reply.Code, Is.InRange(400, 499), reply.ToString());
        Assert.That(reply.Text, Does.StartWith("4."));
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after tempfail");
    }

    [Test]
    public async Task Discard_AtEndOfMessage_ClientGets250AndNothingIsRelayed()
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("discard"));

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        await Path.Postfix.WaitForMaillogAsync(new Regex($@"{reply.PostfixQueueId}: milter-discard: END-OF-MESSAGE"), MailPath.Timeout);
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after discard");
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) => message.HeaderValue("Subject") switch
    {
        "reply" => new MilterMessageResult { Decision = MilterDecision.Reply("550", "5.7.1", "custom text") },
        "reject" => new MilterMessageResult { Decision = MilterDecision.Reject },
        "tempfail" => new MilterMessageResult { Decision = MilterDecision.Tempfail },
        "discard" => new MilterMessageResult { Decision = MilterDecision.Discard },
        _ => MilterMessageResult.ContinueUnchanged,
    };
}
