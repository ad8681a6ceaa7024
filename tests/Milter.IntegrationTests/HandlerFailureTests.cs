using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;

namespace Milter.IntegrationTests;

/// <summary>A handler that throws costs one message a tempfail (the default OnError), never the milter service.</summary>
[TestFixture]
public sealed class HandlerFailureTests : MailPathFixture
{
    [Test]
    public async Task ThrowAtEndOfMessage_ClientGets4xx_SameAndNextConnectionsKeepWorking()
    {
        await using (var client = await Path.ConnectAsync())
        {
            var failed = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple("throw"));

            Assert.That(failed.Code, Is.InRange(400, 499), failed.ToString());
            Assert.That(failed.Text, Does.StartWith("4."));
            await SinkAssert.NextIsCanaryAsync(Path, client, "same connection after the failure");
            await client.QuitAsync();
        }

        var handlersBefore = Handlers.Created;
        await using (var client = await Path.ConnectAsync())
        {
            await SinkAssert.NextIsCanaryAsync(Path, client, "next connection after the failure");
        }

        Assert.That(Handlers.Created, Is.GreaterThan(handlersBefore), "the next SMTP session was not served by a new milter connection");
        Assert.That(Handlers.Recording.Messages.Select(m => m.HeaderValue("Subject")), Does.Contain("next connection after the failure"));
    }

    protected override MilterMessageResult EndOfMessage(RecordedMessage message) =>
        message.HeaderValue("Subject") == "throw"
            ? throw new InvalidOperationException("test handler fails at end of message")
            : MilterMessageResult.ContinueUnchanged;
}
