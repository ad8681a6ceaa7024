using Milter.IntegrationTests.Support;
using Milter.Protocol.Handling;
using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests;

/// <summary>The TestKit's private Postfix: side-by-side instances, teardown, and failures that explain themselves.</summary>
[TestFixture]
public sealed class PostfixInstanceTests
{
    [Test]
    public async Task TwoInstances_StartedTogether_EachRelaysToItsOwnSinkAndTearsDownCompletely()
    {
        var handlers = new RecordingHandlerFactory(_ => MilterMessageResult.ContinueUnchanged);
        var paths = await Task.WhenAll(MailPath.StartAsync(handlers), MailPath.StartAsync(handlers));
        var directories = paths.Select(path => path.Postfix.Directory).ToList();
        try
        {
            Assert.That(paths[0].Postfix.SmtpEndPoint, Is.Not.EqualTo(paths[1].Postfix.SmtpEndPoint));
            Assert.That(directories[0], Is.Not.EqualTo(directories[1]));
            for (var i = 0; i < paths.Length; i++)
            {
                await using var client = await paths[i].ConnectAsync();
                var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple($"instance {i}"));
                Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
            }

            for (var i = 0; i < paths.Length; i++)
            {
                var message = await paths[i].Sink.ReceiveAsync(MailPath.Timeout);
                Assert.That(message.HeaderLines, Does.Contain($"Subject: instance {i}"));
                Assert.That(paths[i].Sink.TryReceive(out _), Is.False);
            }
        }
        finally
        {
            foreach (var path in paths)
            {
                await path.DisposeAsync();
            }
        }

        Assert.That(directories.Where(Directory.Exists), Is.Empty, "an instance directory survived its disposal");
    }

    [Test]
    public void StartAsync_PostfixRefusesConfiguration_ThrowsWithTheReason()
    {
        var options = new PostfixInstanceOptions
        {
            Milters = "inet:127.0.0.1:9",
            Relay = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 9),
            MainSettings = new Dictionary<string, string> { ["mail_owner"] = "no-such-user-authmilter" },
        };

        var exception = Assert.ThrowsAsync<PostfixException>(async () => await PostfixInstance.StartAsync(options));

        Assert.That(exception!.Message, Does.Contain("no-such-user-authmilter"));
    }
}
