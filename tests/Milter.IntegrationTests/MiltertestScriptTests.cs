using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.IntegrationTests.Support;
using Milter.Protocol;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.TestKit;
using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests;

/// <summary>
/// Debian's miltertest (OpenDKIM's MTA-side implementation, independent of ours and of Postfix) drives the
/// in-process server from a Lua script whose mt.* checks decide the exit code.
/// </summary>
[TestFixture]
public sealed class MiltertestScriptTests
{
    // Every stage answered, so the script can check each reply (the Postfix fixtures use "no reply" instead).
    private static readonly MilterHandlerRequirements AnswerEveryStage = RecordingHandler.DefaultRequirements with
    {
        ReplyStages = MilterStages.All & ~MilterStages.Unknown,
    };

    [Test]
    public async Task FullMessageScript_AgainstInProcessServer_PassesAndHandlerSawTheScriptsMessages()
    {
        var handlers = new RecordingHandlerFactory(EndOfMessage, AnswerEveryStage);
        await using var server = new MilterServer(MilterEndpoint.Parse("inet:0@127.0.0.1"), handlers, new MilterServerOptions(), NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;

        var script = Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "full-message.lua");
        var (exitCode, output) = await ExternalCommand.RunAsync("miltertest", ["-D", $"port={port}", "-s", script], MailPath.Timeout * 2);

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.EqualTo(0), output);
        var seen = handlers.Recording.Messages;
        Assert.That(seen.Select(m => m.HeaderValue("Subject")), Is.EqualTo(new[] { "accept", "reject" }));
        Assert.That(seen[0].Client!.Address, Is.EqualTo(IPAddress.Parse("192.0.2.1")));
        Assert.That(seen[0].Helo, Is.EqualTo("mail.example.org"));
        Assert.That(seen.Select(m => m.Sender!.Address), Is.EqualTo(new[] { "alice@example.org", "mallory@example.com" }));
        Assert.That(seen[0].Headers[0], Is.EqualTo(new MilterHeader("From", " Alice <alice@example.org>")));
        Assert.That(seen.Select(m => m.HandlerId).Distinct().Count(), Is.EqualTo(1));
    }

    private static MilterMessageResult EndOfMessage(RecordedMessage message) => message.HeaderValue("Subject") == "reject"
        ? new MilterMessageResult { Decision = MilterDecision.Reply("550", "5.7.1", "custom text") }
        : new MilterMessageResult()
            .AddHeaderChange(new HeaderChange.Insert(0, "Authentication-Results", "mx.authmilter.test; none"))
            .AddHeaderChange(new HeaderChange.Add("X-Authmilter-Test", "miltertest"));
}
