using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>Several messages on one SMTP connection, so on one milter connection: each gets its own verdict and changes.</summary>
[TestFixture]
public sealed class MultipleMessagesTests : MailPathFixture
{
    [Test]
    public async Task ThreeMessagesOnOneConnection_EachGetsItsOwnVerdict()
    {
        await using var client = await Path.ConnectAsync();

        var first = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("first"));
        var second = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("second"));
        var reset = await client.RsetAsync();
        var third = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("third"));
        await client.QuitAsync();

        Assert.That(first.Code, Is.EqualTo(250), first.ToString());
        Assert.That(second.ToString(), Is.EqualTo("550 5.7.1 second refused"));
        Assert.That(reset.Code, Is.EqualTo(250), reset.ToString());
        Assert.That(third.Code, Is.EqualTo(250), third.ToString());

        // Postfix may relay the two accepted messages in either order.
        var delivered = new[] { await Path.Sink.ReceiveAsync(MailPath.Timeout), await Path.Sink.ReceiveAsync(MailPath.Timeout) }
            .OrderBy(message => message.HeaderLines.Single(line => line.StartsWith("Subject: ", StringComparison.Ordinal)), StringComparer.Ordinal)
            .ToList();
        Assert.That(delivered[0].HeaderLines, Does.Contain("Subject: first").And.Contain("X-Verdict: first").And.Not.Contain("X-Verdict: third"));
        Assert.That(delivered[1].HeaderLines, Does.Contain("Subject: third").And.Contain("X-Verdict: third").And.Not.Contain("X-Verdict: first"));

        var seen = Handlers.Recording.Messages;
        Assert.That(seen.Select(m => m.HeaderValue("Subject")), Is.EqualTo(new[] { "first", "second", "third" }));
        Assert.That(seen.Select(m => m.HandlerId).Distinct().Count(), Is.EqualTo(1), "the three messages came over different milter connections");
        Assert.That(seen.Select(m => m.MessageNumber), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(seen.Select(m => m.QueueId), Is.EqualTo(new[] { first.PostfixQueueId, seen[1].QueueId, third.PostfixQueueId }));
        Assert.That(seen.Select(m => m.QueueId).Distinct().Count(), Is.EqualTo(3));
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) => message.HeaderValue("Subject") switch
    {
        "second" => new MilterMessageResult { Decision = MilterDecision.Reply("550", "5.7.1", "second refused") },
        var subject => new MilterMessageResult().AddHeaderChange(new HeaderChange.Add("X-Verdict", subject!)),
    };
}
