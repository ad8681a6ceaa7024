using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Configuration;
using Milter.Daemon.Filtering;
using Milter.Dns;
using Milter.Protocol.Hosting;
using Milter.Reporting.Failure;
using Milter.Reporting.History;
using Milter.TestKit.Client;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>The daemon's handler served by the real engine on loopback, driven by the TestKit MTA client.</summary>
internal static class FilterHarness
{
    /// <summary>Settings from milter.conf lines, with the authserv-id the tests expect.</summary>
    public static MilterSettings Settings(params string[] lines) =>
        MilterConfigFile.Parse("test.conf", ["AuthservId mx.test.example", .. lines]);

    public static async Task<MilterServer> StartAsync(
        MilterSettings settings, IDnsResolver dns, IHistorySink? history = null, TimeProvider? clock = null, FailureReporter? failureReporter = null)
    {
        var factory = new AuthenticationMilterHandlerFactory(settings, dns, NullLoggerFactory.Instance, clock, history, failureReporter);
        var server = new MilterServer(MilterEndpoint.Parse("inet:0@127.0.0.1"), factory, settings.ToServerOptions(), NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    /// <summary>One SMTP session with one message, as Postfix would drive it; recipients default to <c>&lt;b@example.test&gt;</c>.</summary>
    public static async Task<MilterTransactionResult> SendAsync(
        MilterSettings settings, IDnsResolver dns, ParsedEml message, string sender, IPAddress client, string helo, IHistorySink? history = null, params string[] recipients)
    {
        await using var server = await StartAsync(settings, dns, history);
        await using var connection = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await connection.NegotiateAsync();
        await connection.ConnectAsync(helo, client, 25);
        await connection.HeloAsync(helo);
        return await connection.SendMessageAsync(message, new MilterEnvelope(sender, recipients.Length == 0 ? ["<b@example.test>"] : recipients));
    }
}
