using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests.Support;

/// <summary>
/// The real mail path of one fixture: SMTP client → private Postfix → in-process milter server → Postfix → recording sink.
/// </summary>
public sealed class MailPath : IAsyncDisposable
{
    /// <summary>Generous wait for anything that crosses Postfix (a 2-core CI machine may be busy).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private MailPath(MilterServer milter, SmtpSink sink, PostfixInstance postfix)
    {
        Milter = milter;
        Sink = sink;
        Postfix = postfix;
    }

    public MilterServer Milter { get; }

    public SmtpSink Sink { get; }

    public PostfixInstance Postfix { get; }

    /// <summary>Starts the milter server on a free loopback port, the sink, and Postfix pointing at both.</summary>
    public static async Task<MailPath> StartAsync(IMilterHandlerFactory handlers)
    {
        var milter = new MilterServer(MilterEndpoint.Parse("inet:0@127.0.0.1"), handlers, new MilterServerOptions(), NullLoggerFactory.Instance);
        SmtpSink? sink = null;
        try
        {
            await milter.StartAsync(CancellationToken.None);
            var milterPort = ((IPEndPoint)milter.LocalEndPoint!).Port;
            sink = SmtpSink.Start();
            var postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
            {
                Milters = $"inet:127.0.0.1:{milterPort}",
                Relay = sink.EndPoint,
            });
            return new MailPath(milter, sink, postfix);
        }
        catch
        {
            if (sink is not null)
            {
                await sink.DisposeAsync();
            }

            await milter.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens an SMTP session to Postfix that presents <paramref name="clientAddress"/> and <paramref name="helo"/> by XCLIENT,
    /// ready for MAIL FROM.
    /// </summary>
    public async Task<SmtpTestClient> ConnectAsync(string clientAddress = "192.0.2.1", string helo = "mail.example")
    {
        var client = await SmtpTestClient.ConnectAsync(Postfix.SmtpEndPoint, Timeout);
        try
        {
            await ExpectAsync(client.EhloAsync("client.test"), 250);
            await ExpectAsync(client.XClientAsync($"ADDR={clientAddress} NAME=[UNAVAILABLE] HELO={helo}"), 220);
            await ExpectAsync(client.EhloAsync(helo), 250);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops Postfix first (no new milter connections), then the milter server and the sink.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Postfix.DisposeAsync();
        }
        finally
        {
            await Milter.DisposeAsync();
            await Sink.DisposeAsync();
        }
    }

    private static async Task ExpectAsync(Task<SmtpReply> command, int code)
    {
        var reply = await command;
        if (reply.Code != code)
        {
            throw new InvalidOperationException($"Expected {code}, Postfix answered {reply}.");
        }
    }
}
