using System.Text.RegularExpressions;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>End-of-message verdicts other than continue, as the SMTP client of real Postfix sees them.</summary>
[TestFixture]
public sealed class EndOfMessageVerdictTests : MailPathFixture
{
    [TestCase("reply", 550, "5.7.1 custom text", TestName = "CustomReply_AtEndOfMessage_ClientGetsExactReplyAndNothingIsRelayed")]
    [TestCase("reject", 550, "5.7.1 ", TestName = "Reject_AtEndOfMessage_ClientGets5xxAndNothingIsRelayed")]
    [TestCase("tempfail", 451, "4.7.1 ", TestName = "Tempfail_AtEndOfMessage_ClientGets4xxAndNothingIsRelayed")]
    public async Task Refusal_AtEndOfMessage_ClientGetsReplyAndNothingIsRelayed(string subject, int code, string textStart)
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple(subject));

        Assert.That(reply.Code, Is.EqualTo(code), reply.ToString());
        Assert.That(reply.Text, Does.StartWith(textStart));
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after " + subject);
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
