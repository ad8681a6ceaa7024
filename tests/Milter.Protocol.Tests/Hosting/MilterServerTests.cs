using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.Protocol.Tests.TestSupport;
using Milter.TestKit.Client;

namespace Milter.Protocol.Tests.Hosting;

/// <summary>The socket server with the TestKit MTA client: limits and graceful stop.</summary>
public class MilterServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Test]
    public async Task StopAsync_MessageInProgress_FinishesTheMessageThenCloses()
    {
        await using var server = await StartAsync(new MilterServerOptions { ShutdownTimeout = TimeSpan.FromMinutes(1) });
        await using var client = await OpenMidMessageAsync(server);

        var stop = server.StopAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.That(stop.IsCompleted, Is.False, "a message in progress holds the stop");

        await client.DataAsync();
        await client.HeaderAsync("From", " a@example.org");
        await client.EndOfHeadersAsync();
        await client.BodyAsync("Hi\r\n"u8.ToArray());
        var end = await client.EndOfMessageAsync();

        Assert.That(end.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        await stop.WaitAsync(Wait);
        Assert.That(server.ActiveConnections, Is.Zero);
    }

    [Test]
    public async Task StopAsync_IdleConnection_ClosesItWithoutWaitingForTheTimeout()
    {
        await using var server = await StartAsync(new MilterServerOptions { ShutdownTimeout = TimeSpan.FromMinutes(10) });
        await using var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync("client.example", IPAddress.Parse("192.0.2.1"), 4242);

        await server.StopAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.That(server.ActiveConnections, Is.Zero);
    }

    [Test]
    public async Task StopAsync_MessageStuckPastShutdownTimeout_ClosesTheConnection()
    {
        await using var server = await StartAsync(new MilterServerOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        await using var client = await OpenMidMessageAsync(server);

        await server.StopAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.That(server.ActiveConnections, Is.Zero);
        Assert.That(async () => await client.DataAsync(), Throws.Exception, "the server closed the connection");
    }

    [Test]
    public async Task Accept_AtMaxConnections_NextConnectionWaitsForAFreeSlot()
    {
        await using var server = await StartAsync(new MilterServerOptions { MaxConnections = 1 });
        var first = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await first.NegotiateAsync();
        await using var second = await MilterClient.OpenAsync(server.LocalEndPoint!);

        var negotiation = second.NegotiateAsync();
        await Task.Delay(300);
        Assert.That(negotiation.IsCompleted, Is.False, "the second connection is not served while the first holds the only slot");

        await first.QuitAsync();
        await first.DisposeAsync();
        var result = await negotiation.WaitAsync(Wait);

        Assert.That(result.Version, Is.EqualTo(6u));
    }

    [Test]
    public async Task StartAsync_UnixSocketOfARunningServer_RefusesToReplaceIt()
    {
        var directory = Directory.CreateTempSubdirectory("milter-server-").FullName;
        var endpoint = MilterEndpoint.Parse($"unix:{Path.Combine(directory, "milter.sock")}");
        try
        {
            await using var running = new MilterServer(endpoint, new Factory(), new MilterServerOptions(), NullLoggerFactory.Instance);
            await running.StartAsync(CancellationToken.None);
            await using var second = new MilterServer(endpoint, new Factory(), new MilterServerOptions(), NullLoggerFactory.Instance);

            var exception = Assert.ThrowsAsync<IOException>(() => second.StartAsync(CancellationToken.None))!;

            Assert.That(exception.Message, Does.Contain("in use by a running process"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task StartAsync_PortInUse_ThrowsSocketException()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        await using var server = new MilterServer(MilterEndpoint.Parse($"inet:{port}@127.0.0.1"), new Factory(), new MilterServerOptions(), NullLoggerFactory.Instance);

        Assert.ThrowsAsync<SocketException>(() => server.StartAsync(CancellationToken.None));
    }

    [TestCase("inet:8895@127.0.0.1", "127.0.0.1", 8895)]
    [TestCase("inet:8895", "127.0.0.1", 8895)]
    [TestCase("inet6:8895@[::1]", "::1", 8895)]
    [TestCase("inet6:8895", "::1", 8895)]
    [TestCase("inet:0.0.0.0:25", "0.0.0.0", 25)]
    [TestCase("INET:1@localhost", "localhost", 1)]
    public void Parse_InetForms_GiveHostAndPort(string text, string host, int port)
    {
        var endpoint = MilterEndpoint.Parse(text);

        Assert.That((endpoint.Host, endpoint.Port, endpoint.IsUnix), Is.EqualTo((host, port, false)));
    }

    [TestCase("unix:/run/authmilter/milter.sock")]
    [TestCase("local:/run/authmilter/milter.sock")]
    public void Parse_UnixForms_GivePath(string text) =>
        Assert.That(MilterEndpoint.Parse(text).UnixPath, Is.EqualTo("/run/authmilter/milter.sock"));

    [TestCase("8895")]
    [TestCase("inet:")]
    [TestCase("inet:70000@127.0.0.1")]
    [TestCase("unix:relative.sock")]
    [TestCase("tcp:8895@127.0.0.1")]
    public void Parse_Malformed_ThrowsFormatException(string text) => Assert.Throws<FormatException>(() => MilterEndpoint.Parse(text));

    private static async Task<MilterServer> StartAsync(MilterServerOptions options)
    {
        var server = new MilterServer(MilterEndpoint.Parse("inet:0@127.0.0.1"), new Factory(), options, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private static async Task<MilterClient> OpenMidMessageAsync(MilterServer server)
    {
        var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync("client.example", IPAddress.Parse("192.0.2.1"), 4242);
        await client.HeloAsync("client.example");
        await client.MailFromAsync("<a@example.org>");
        await client.RecipientAsync("<b@example.test>");
        return client;
    }

    private sealed class Factory : IMilterHandlerFactory
    {
        public IMilterHandler Create() => new RecordingHandler();
    }
}
