using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Milter.Benchmarks.Load;
using Milter.TestKit.Client;
using Milter.TestKit.Daemon;
using Milter.TestKit.Dns;

namespace Milter.Benchmarks.BigMessage;

/// <summary>
/// The <c>bigmessage</c> mode, a memory proof: one big DKIM-signed message through the real authmilter process must
/// not raise its resident memory by more than the limit. The daemon runs with SPF, DMARC and iprev off and DKIM on, so
/// it keeps the body (in memory up to SpoolThreshold, in TempDirectory beyond) to verify the signature. A knotd on
/// loopback publishes a fresh RSA key for the signature, whose bh= and b= are made up: the verifier fetches the key and
/// hashes the whole body before it finds the mismatch, so the result is dkim=fail. The baseline is VmRSS after a warm-up message of a few KB; the peak is VmHWM after the big one.
/// </summary>
public static class BigMessageRunner
{
    private const int MiB = 1024 * 1024;
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.7");
    private static readonly MilterEnvelope Envelope = new("<news@example.org>", "<bob@example.test>");

    /// <summary>Starts knotd and the daemon, sends the warm-up and the big message and prints the memory figures; returns the exit code.</summary>
    /// <exception cref="InvalidOperationException">knotd is not installed or does not start.</exception>
    /// <exception cref="FileNotFoundException">The daemon is not built.</exception>
    /// <exception cref="TimeoutException">The daemon did not listen, or did not answer in time.</exception>
    public static async Task<int> RunAsync(BigMessageOptions options, TextWriter output)
    {
        using var hardLimit = new CancellationTokenSource(options.Timeout);
        using var dns = await KnotDnsServer.StartAsync([new DnsTestZone("example.org", KeyRecord())], hardLimit.Token).ConfigureAwait(false);
        var directory = Directory.CreateTempSubdirectory("authmilter-bigmessage-").FullName;
        try
        {
            var port = DaemonProcess.FreePort();
            await using var daemon = DaemonProcess.StartAt(
                options.DaemonPath,
                [
                    $"Socket inet:{port}@127.0.0.1",
                    "SpfMode off",
                    "DmarcMode off",
                    "IprevCheck no",
                    $"Nameservers {dns.EndPoint}",
                    $"TempDirectory {directory}",
                    "AuthservId bench.example.test",
                ]);
            await daemon.WaitUntilListeningAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var startup = ProcessStats.TryRead(daemon.Id) ?? throw new IOException($"/proc/{daemon.Id}/status cannot be read.");
            output.WriteLine($"daemon            {options.DaemonPath}, pid {daemon.Id}, inet:{port}@127.0.0.1, knotd on {dns.EndPoint}");

            await using var client = await MilterClient.OpenAsync(
                new IPEndPoint(IPAddress.Loopback, port),
                new MilterClientOptions { ReplyTimeout = options.Timeout },
                hardLimit.Token).ConfigureAwait(false);
            var negotiation = await client.NegotiateAsync(cancellationToken: hardLimit.Token).ConfigureAwait(false);
            await client.ConnectAsync("client.example.net", Client, 40000, null, hardLimit.Token).ConfigureAwait(false);
            await client.HeloAsync("client.example.net", null, hardLimit.Token).ConfigureAwait(false);

            var warmUp = await client.SendMessageAsync(ParsedEml.Parse(Generate(4 * 1024)), Envelope, hardLimit.Token).ConfigureAwait(false);
            output.WriteLine($"warm-up           4 KB message: {AuthenticationResultsHeader.Of(warmUp)}");

            // Let the warm-up's garbage and log writes settle before the baseline is taken.
            await Task.Delay(TimeSpan.FromSeconds(1), hardLimit.Token).ConfigureAwait(false);
            var baseline = ProcessStats.TryRead(daemon.Id) ?? throw new IOException($"/proc/{daemon.Id}/status cannot be read.");

            var message = ParsedEml.Parse(Generate(options.SizeMegabytes * MiB));
            var stopwatch = Stopwatch.StartNew();
            var result = await client.SendMessageAsync(message, Envelope, hardLimit.Token).ConfigureAwait(false);
            var elapsed = stopwatch.Elapsed;
            var after = ProcessStats.TryRead(daemon.Id) ?? throw new IOException($"/proc/{daemon.Id}/status cannot be read.");
            await client.QuitAsync(hardLimit.Token).ConfigureAwait(false);

            var delta = after.PeakResidentBytes - baseline.ResidentBytes;
            var authenticationResults = AuthenticationResultsHeader.Of(result);
            output.WriteLine($"big message       {message.Body.Length / (double)MiB:F1} MiB body in {(message.Body.Length + negotiation.MaxBodyChunk - 1) / negotiation.MaxBodyChunk} chunks of up to {negotiation.MaxBodyChunk} bytes, {elapsed.TotalSeconds:F2} s ({message.Body.Length / (double)MiB / elapsed.TotalSeconds:F0} MiB/s), reply {result.Reply}");
            output.WriteLine($"authentication    {authenticationResults}");
            output.WriteLine($"rss after startup {Megabytes(startup.ResidentBytes)} (peak so far {Megabytes(startup.PeakResidentBytes)})");
            output.WriteLine($"baseline rss      {Megabytes(baseline.ResidentBytes)} (VmRSS after the warm-up; VmHWM then {Megabytes(baseline.PeakResidentBytes)})");
            output.WriteLine($"peak rss          {Megabytes(after.PeakResidentBytes)} (VmHWM after the big message; VmRSS {Megabytes(after.ResidentBytes)})");
            output.WriteLine($"delta             {Megabytes(delta)} (limit {options.LimitMegabytes} MiB): {(delta <= (long)options.LimitMegabytes * MiB ? "ok" : "OVER THE LIMIT")}");
            output.WriteLine(LoadAverage.Describe());

            // Without a dkim= result the daemon skipped the body, and the figures prove nothing.
            var examined = authenticationResults.Contains("dkim=", StringComparison.Ordinal);
            if (!examined)
            {
                output.WriteLine($"the daemon reported no dkim= result; its output:\n{daemon.Output}");
            }

            return examined && delta <= (long)options.LimitMegabytes * MiB ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The <c>bench._domainkey</c> TXT record of a new 2048-bit RSA key, in strings of at most 255 characters.</summary>
    private static string KeyRecord()
    {
        using var rsa = RSA.Create(2048);
        var key = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        return $"bench._domainkey TXT \"v=DKIM1; k=rsa; p=\" {string.Join(' ', key.Chunk(255).Select(c => $"\"{new string(c)}\""))}";
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:F1} MiB");

    /// <summary>
    /// A message of about <paramref name="size"/> bytes: a DKIM-Signature whose key does not exist, a few headers and
    /// CRLF lines of text.
    /// </summary>
    private static byte[] Generate(int size) => GeneratedMessage.Create(
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=bench;\r\n" +
        " h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n" +
        " b=bm90IGEgc2lnbmF0dXJlOyB0aGUga2V5IGlzIG5vdCBpbiBETlMgZWl0aGVy\r\n" +
        "From: Newsletter <news@example.org>\r\n" +
        "To: bob@example.test\r\n" +
        $"Subject: {size} bytes\r\n" +
        "Date: Mon, 23 Nov 2026 17:00:00 +0000\r\n" +
        $"Message-ID: <{size}.bench@example.org>\r\n" +
        "\r\n",
        size);
}
