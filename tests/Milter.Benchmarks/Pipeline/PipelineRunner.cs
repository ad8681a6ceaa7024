using System.Net;
using System.Net.Sockets;
using Milter.Benchmarks.Load;
using Milter.TestKit;
using Milter.TestKit.Client;
using Milter.TestKit.Daemon;
using Milter.TestKit.Dns;
using Milter.TestKit.Mail;

namespace Milter.Benchmarks.Pipeline;

/// <summary>
/// The <c>pipeline</c> mode: messages per second through the real authmilter process with every check on (SPF, DKIM,
/// DMARC in enforce mode, iprev, ARC) and a warm DNS cache, for DKIM-signed messages of 4 KB, 100 KB and 2 MB. A knotd
/// on loopback serves one root zone holding everything the checks ask for: the sender domain's SPF record (passing
/// the client address), its <c>_dmarc</c> record (<c>p=reject</c>), the RFC 8463 RSA key at <c>test._domainkey</c>, and
/// PTR and A records that make iprev pass. Each message is signed once with MimeKit's <see cref="TestDkimSigner"/> and the
/// same key. Per size, one connection first sends a few messages (warming the daemon's DNS cache and code paths); the
/// first one's Authentication-Results must say spf=pass, dkim=pass, dmarc=pass and iprev=pass. Then the
/// <see cref="LoadRunner"/> measures, and the run fails if any message errs or is refused.
/// </summary>
public static class PipelineRunner
{
    private const string Domain = "example.org";
    private const string Sender = "<news@" + Domain + ">";
    private const int WarmUpMessages = 10;
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly (string Name, int Size)[] Sizes = [("4 KB", 4 * 1024), ("100 KB", 100 * 1024), ("2 MB", 2 * 1024 * 1024)];
    private static readonly string[] Passes = ["spf=pass", "dkim=pass", "dmarc=pass", "iprev=pass"];

    /// <summary>Starts knotd and the daemon, measures each size and prints the load reports; returns the exit code.</summary>
    /// <exception cref="InvalidOperationException">knotd is not installed or does not start.</exception>
    /// <exception cref="TimeoutException">The daemon did not listen in time.</exception>
    public static async Task<int> RunAsync(PipelineOptions options, TextWriter output)
    {
        using var dns = await KnotDnsServer.StartAsync([new DnsTestZone(".", Records())]).ConfigureAwait(false);
        var port = DaemonProcess.FreePort();
        await using var daemon = DaemonProcess.StartAt(
            options.DaemonPath,
            [$"Socket inet:{port}@127.0.0.1", $"Nameservers {dns.EndPoint}", "AuthservId bench.test", "LogLevel warn",
                .. options.ReportStore is null ? Array.Empty<string>() : [$"ReportStore {options.ReportStore}"]]);
        await WaitUntilListeningAsync(daemon, port).ConfigureAwait(false);
        output.WriteLine($"daemon            {options.DaemonPath}, pid {daemon.Id}, inet:{port}@127.0.0.1, knotd on {dns.EndPoint}; sender {Sender}, client {Client}");
        output.WriteLine($"report store      {options.ReportStore ?? $"sqlite:{daemon.HistoryDatabase}"}");

        var socket = $"inet:{port}@127.0.0.1";
        foreach (var (name, size) in Sizes)
        {
            var message = ParsedEml.Parse(TestDkimSigner.Sign(GeneratedMessage.Create(Headers(name), size), Domain, "From", "To", "Subject", "Date", "Message-ID"));
            output.WriteLine();
            output.WriteLine($"== {name}: {message.Headers.Count} headers, {message.Body.Length} body bytes ==");

            var warmUp = new LoadRunner(Options(socket, 1, WarmUpMessages, null, null, TimeSpan.Zero, options.Timeout), [message]);
            var warmUpExit = await warmUp.RunAsync(TextWriter.Null).ConfigureAwait(false);
            var results = warmUp.FirstResult is { } first ? AuthenticationResultsHeader.Of(first) : "(no message completed)";
            output.WriteLine($"first reply       {results}");
            var missing = Passes.Where(p => !results.Contains(p, StringComparison.Ordinal)).ToArray();
            if (warmUpExit != 0 || warmUp.Refused != 0 || missing.Length > 0)
            {
                output.WriteLine($"the warm-up failed (exit {warmUpExit}, {warmUp.Refused} refused, missing {string.Join(", ", missing)}); the daemon's output:\n{daemon.Output}");
                return 1;
            }

            var load = new LoadRunner(
                Options(socket, options.Connections, options.Messages, options.Messages is null ? options.Duration : null, daemon.Id, TimeSpan.FromSeconds(1), options.Timeout),
                [message]);
            var exit = await load.RunAsync(output).ConfigureAwait(false);
            output.WriteLine(LoadAverage.Describe());
            if (exit != 0 || load.Refused != 0)
            {
                output.WriteLine($"the run failed; the daemon's output:\n{daemon.Output}");
                return 1;
            }
        }

        return 0;
    }

    /// <summary>
    /// Waits until the daemon accepts a connection on <paramref name="port"/>: with <c>LogLevel warn</c> it does not log
    /// "Listening on", which <see cref="DaemonProcess.WaitUntilListeningAsync"/> waits for.
    /// </summary>
    /// <exception cref="TimeoutException">It did not within 30 s; the message holds its output.</exception>
    private static async Task WaitUntilListeningAsync(DaemonProcess daemon, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"authmilter did not accept connections on port {port}:\n{daemon.Output}");
            }
        }
    }

    private static LoadOptions Options(string socket, int connections, long? messages, TimeSpan? duration, int? pid, TimeSpan ramp, TimeSpan timeout) =>
        new(socket, connections, messages, duration, [], pid, ramp, timeout) { Sender = Sender, Client = Client };

    /// <summary>The root zone: SPF, DMARC and DKIM key of the sender domain, and the client's PTR and A records.</summary>
    private static string Records()
    {
        var reverse = string.Join('.', Client.GetAddressBytes().Reverse()) + ".in-addr.arpa.";
        return $"""
            {Domain}. TXT "v=spf1 ip4:{Client} -all"
            _dmarc.{Domain}. TXT "v=DMARC1; p=reject"
            test._domainkey.{Domain}. TXT "{TestArcSealer.KeyRecord}"
            mail.{Domain}. A {Client}
            {reverse} PTR mail.{Domain}.
            """;
    }

    private static string Headers(string name) =>
        $"From: News <news@{Domain}>\r\n" +
        "To: bob@example.test\r\n" +
        $"Subject: a {name} message\r\n" +
        "Date: Mon, 23 Nov 2026 17:00:00 +0000\r\n" +
        $"Message-ID: <{name.Replace(' ', '-')}.pipeline@{Domain}>\r\n" +
        "\r\n";

}
