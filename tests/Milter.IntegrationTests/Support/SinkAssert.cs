using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests.Support;

/// <summary>Assertions on what reaches the sink.</summary>
public static class SinkAssert
{
    /// <summary>
    /// Sends a plain message on <paramref name="client"/> and asserts it is the next one at the sink: a message
    /// refused or held before it would otherwise have been relayed first (Postfix delivers in arrival order when idle).
    /// </summary>
    public static async Task NextIsCanaryAsync(MailPath path, SmtpTestClient client, string subject)
    {
        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple(subject));
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var next = await path.Sink.ReceiveAsync(MailPath.Timeout);
        Assert.That(next.HeaderLines, Does.Contain("Subject: " + subject), "a message other than the canary reached the sink first");
        Assert.That(path.Sink.TryReceive(out var extra), Is.False, $"an unexpected message reached the sink:\n{extra?.Text}");
    }
}
