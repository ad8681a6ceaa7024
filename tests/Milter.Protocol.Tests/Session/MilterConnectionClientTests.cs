using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Protocol.Handling;
using Milter.Protocol.Session;
using Milter.Protocol.Tests.TestSupport;
using Milter.TestKit.Client;

namespace Milter.Protocol.Tests.Session;

/// <summary>The engine against the TestKit's independent MTA-side client, over a loopback TCP socket.</summary>
public class MilterConnectionClientTests
{
    private static readonly ParsedEml Message = ParsedEml.Parse(Encoding.ASCII.GetBytes(
        "Received: from a\r\nReceived: from b\r\nFrom: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n"));

    [Test]
    public async Task RunAsync_PostfixStyleClient_SessionsMessagesAndModificationsRoundTrip()
    {
        var handler = new RecordingHandler(replyStages: MilterStages.None, actions: MilterActions.AddHeaders | MilterActions.ChangeHeaders | MilterActions.Quarantine)
        {
            EndOfMessage = async (_, progress, token) =>
            {
                await progress.ReportAsync(token);
                return new MilterMessageResult()
                    .AddHeaderChange(new HeaderChange.Insert(0, "Authentication-Results", "mx.example; none"))
                    .AddHeaderChange(new HeaderChange.Delete("Received", 1))
                    .AddHeaderChange(new HeaderChange.Delete("Received", 2))
                    .Quarantine("test");
            },
        };
        handler.Requirements = handler.Requirements with { Macros = new Dictionary<MacroStage, IReadOnlyList<string>> { [MacroStage.EndOfMessage] = ["i"] } };
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = ServeOneAsync(listener, handler);

        await using (var client = await MilterClient.OpenAsync(listener.LocalEndpoint))
        {
            await client.NegotiateAsync();
            await client.ConnectAsync("client.example", IPAddress.Parse("192.0.2.1"), 4242);
            await client.HeloAsync("client.example");
            var first = await client.SendMessageAsync(Message, new MilterEnvelope("<a@example.org>", "<b@example.test>"));
            await client.QuitNewConnectionAsync();
            await client.ConnectAsync("second.example", IPAddress.Parse("192.0.2.2"), 4243);
            var second = await client.SendMessageAsync(Message, new MilterEnvelope("<>", "<c@example.test>"));
            await client.QuitAsync();

            foreach (var result in new[] { first, second })
            {
                Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
                Assert.That(result.EndOfMessage!.ProgressCount, Is.EqualTo(1));
                Assert.That(result.EndOfMessage.Modifications, Is.EqualTo(new MilterClientModification[]
                {
                    new MilterClientModification.InsertHeader(0, "Authentication-Results", " mx.example; none"),
                    new MilterClientModification.ChangeHeader(2, "Received", string.Empty),
                    new MilterClientModification.ChangeHeader(1, "Received", string.Empty),
                    new MilterClientModification.Quarantine("test"),
                }));
            }
        }

        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(handler.MacrosAtEndOfMessage, Does.ContainKey("i"));
        Assert.That(handler.Calls.Count(c => c == "connection-reset"), Is.EqualTo(2));
        Assert.That(handler.Calls, Does.Contain("header:Subject= hi"), "HDR_LEADSPC keeps the leading space");
        Assert.That(handler.Calls, Does.Contain("body:Hello\r\n"));
    }

    private static async Task ServeOneAsync(TcpListener listener, IMilterHandler handler)
    {
        using var socket = await listener.AcceptSocketAsync();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var transport = new StreamPipe(PipeReader.Create(stream), PipeWriter.Create(stream));
        await new MilterConnection(transport, handler, new MilterSessionOptions(), NullLogger.Instance).RunAsync(CancellationToken.None);
    }

    private sealed record StreamPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
