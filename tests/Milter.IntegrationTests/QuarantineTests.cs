using System.Text.RegularExpressions;
using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>Quarantine puts the message on Postfix's hold queue instead of relaying it.</summary>
[TestFixture]
public sealed class QuarantineTests : MailPathFixture
{
    [Test]
    public async Task Quarantine_AtEndOfMessage_MessageIsHeldNotRelayed()
    {
        await using var client = await Path.ConnectAsync();

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("quarantine"));

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var queueId = reply.PostfixQueueId;
        var queue = await Path.Postfix.ListQueueAsync();
        var held = queue.SingleOrDefault(entry => entry.QueueId == queueId);
        Assert.That(held, Is.Not.Null, $"queue id {queueId} is not in the queue: {string.Join(", ", queue)}");
        Assert.That(held!.QueueName, Is.EqualTo("hold"));
        Assert.That(held.Sender, Is.EqualTo(TestMessages.Sender));
        Assert.That(held.Recipients.Select(r => r.Address), Is.EqualTo(new[] { TestMessages.Recipient }));

        // Postfix 3.7 logs its own text, not the milter's reason.
        await Path.Postfix.WaitForMaillogAsync(new Regex($@"{queueId}: milter-hold: END-OF-MESSAGE .*: milter triggers HOLD action"), MailPath.Timeout);
        await SinkAssert.NextIsCanaryAsync(Path, client, "canary after quarantine");
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) =>
        message.HeaderValue("Subject") == "quarantine"
            ? new MilterMessageResult().Quarantine("held by integration test")
            : MilterMessageResult.ContinueUnchanged;
}
