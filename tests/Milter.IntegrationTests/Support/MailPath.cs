using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.TestKit.Postfix;

namespace Milter.IntegrationTests.Support;

/// <summary>
/// The real mail path of one fixture: SMTP client → private Postfix → a milter (the in-process server with a test
/// handler, or the authmilter process) → Postfix → recording sink.
/// </summary>
public sealed class MailPath : IAsyncDisposable
{
    /// <summary>Generous wait for anything that crosses Postfix (a 2-core CI machine may be busy).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IAsyncDisposable _milter;

    private MailPath(IAsyncDisposable milter, SmtpSink sink, PostfixInstance postfix)
    {
        _milter = milter;
        Sink = sink;
        Postfix = postfix;
    }

    public SmtpSink Sink { get; }

    public PostfixInstance Postfix { get; }

    /// <summary>Starts the milter server on a free loopback port, the sink, and Postfix pointing at both.</summary>
    public static async Task<MailPath> StartAsync(IMilterHandlerFactory handlers)
    {
        var milter = new MilterServer(MilterEndpoint.Parse("inet:0@127.0.0.1"), handlers, new MilterServerOptions(), NullLoggerFactory.Instance);
        try
        {
            await milter.StartAsync(CancellationToken.None);
        }
        catch
        {
            await milter.DisposeAsync();
            throw;
        }

        return await StartAsync(((IPEndPoint)milter.LocalEndPoint!).Port, milter);
    }

    /// <summary>
    /// Starts the sink and Postfix pointing at a milter already listening on loopback <paramref name="milterPort"/>;
    /// the path owns <paramref name="milter"/> and disposes it last (also when the start fails).
    /// </summary>
    public static async Task<MailPath> StartAsync(int milterPort, IAsyncDisposable milter)
    {
        SmtpSink? sink = null;
        try
        {
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
            await _milter.DisposeAsync();
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
