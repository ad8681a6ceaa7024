using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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

    [TestCase("accept", 250)]
    [TestCase("tempfail", 451)]
    public async Task MilterUnreachable_DefaultAction_DecidesTheReply(string defaultAction, int expectedCode)
    {
        await using var sink = SmtpSink.Start();
        await using var postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
        {
            Milters = $"inet:127.0.0.1:{UnusedPort()}",
            Relay = sink.EndPoint,
            MilterDefaultAction = defaultAction,
        });
        await using var client = await SmtpTestClient.ConnectAsync(postfix.SmtpEndPoint, MailPath.Timeout);
        await client.EhloAsync("client.test");

        var reply = await client.SendMessageAsync(TestMessages.Sender, [TestMessages.Recipient], TestMessages.Simple(defaultAction));

        Assert.That(reply.Code, Is.EqualTo(expectedCode), reply.ToString());
        if (expectedCode == 250)
        {
            Assert.That((await sink.ReceiveAsync(MailPath.Timeout)).HeaderLines, Does.Contain("Subject: " + defaultAction));
        }

        await postfix.WaitForMaillogAsync(new Regex(@"warning: connect to Milter service inet:127\.0\.0\.1:\d+: Connection refused"), MailPath.Timeout);
    }

    [Test]
    public void StartAsync_PostfixRefusesConfiguration_ThrowsWithTheReason()
    {
        var options = new PostfixInstanceOptions
        {
            Milters = "inet:127.0.0.1:9",
            Relay = new IPEndPoint(IPAddress.Loopback, 9),
            MainSettings = new Dictionary<string, string> { ["mail_owner"] = "no-such-user-authmilter" },
        };

        var exception = Assert.ThrowsAsync<PostfixException>(async () => await PostfixInstance.StartAsync(options));

        Assert.That(exception!.Message, Does.Contain("no-such-user-authmilter"));
    }

    private static int UnusedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
