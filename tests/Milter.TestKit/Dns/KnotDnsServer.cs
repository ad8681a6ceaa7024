using System.Diagnostics;
using System.Net;
using System.Text;
using DnsClient;

namespace Milter.TestKit.Dns;

/// <summary>
/// A real authoritative DNS server for integration tests: Knot DNS (<c>knotd</c>, Debian package <c>knot</c>) serving
/// the given zones on 127.0.0.1 over UDP and TCP, from a temporary directory deleted on <see cref="Dispose"/>.
/// It answers only for its zones (REFUSED elsewhere), does not recurse, and sets TC on UDP answers over 1,232 bytes.
/// </summary>
/// <remarks>
/// Start one per test fixture (startup takes a fraction of a second) with all the zones the fixture needs. To make
/// names time out, point the resolver under test at a <see cref="SilentDnsEndpoint"/> instead.
/// </remarks>
public sealed class KnotDnsServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private const int StartAttempts = 3;

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;

    private KnotDnsServer(Process process, string directory, StringBuilder log, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        _log = log;
        EndPoint = endPoint;
    }

    /// <summary>The address and port knotd listens on, for UDP and TCP.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>What knotd has logged so far (info level and above), for test failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Writes the configuration and zone files into a new temporary directory, starts knotd on a free loopback port
    /// and returns once it answers the SOA query of every zone.
    /// </summary>
    /// <param name="zones">The zones to serve; at least one, with distinct origins.</param>
    /// <param name="cancellationToken">Stops waiting for the server (which is then stopped and deleted).</param>
    /// <exception cref="ArgumentException"><paramref name="zones"/> is empty or names an origin twice.</exception>
    /// <exception cref="InvalidOperationException">
    /// knotd is not installed, exits, logs an error (a zone that does not parse, a port that cannot be bound) or does
    /// not answer within 15 seconds; the message includes knotd's log.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<KnotDnsServer> StartAsync(IEnumerable<DnsTestZone> zones, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zones);
        var zoneList = zones.ToList();
        if (zoneList.Count == 0)
        {
            throw new ArgumentException("At least one zone is needed: knotd answers the readiness query from it.", nameof(zones));
        }

        if (zoneList.GroupBy(z => z.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Zone '{twice.Key}' is given twice.", nameof(zones));
        }

        var knotd = FindKnotd();
        var directory = Directory.CreateTempSubdirectory("milter-knotd-").FullName;
        try
        {
            foreach (var sub in new[] { "run", "db", "zones" })
            {
                Directory.CreateDirectory(Path.Combine(directory, sub));
            }

            // knotd's "%s" is the name without the trailing dot, empty for the root zone (whose file is ".zone").
            foreach (var zone in zoneList)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "zones", zone.Name + ".zone"), zone.ToZoneFile(), cancellationToken);
            }

            // The free port is only free when we look: another process may bind it before knotd does. knotd then
            // exits with "address already in use", and another port is tried.
            for (var attempt = 1; ; attempt++)
            {
                var endPoint = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.FindFree());
                var configPath = Path.Combine(directory, "knot.conf");
                await File.WriteAllTextAsync(configPath, Configuration(directory, endPoint, zoneList), cancellationToken);
                var log = new StringBuilder();
                var process = Launch(knotd, configPath, log);
                try
                {
                    await WaitUntilServingAsync(process, log, endPoint, zoneList, cancellationToken);
                    return new KnotDnsServer(process, directory, log, endPoint);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Stop(process);
                    string text;
                    lock (log)
                    {
                        text = log.ToString();
                    }

                    if (attempt < StartAttempts && text.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    throw new InvalidOperationException($"knotd ({knotd}) did not start serving on {endPoint}: {e.Message}\nknotd log:\n{text}", e);
                }
                catch
                {
                    Stop(process);
                    throw;
                }
            }
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Stops knotd and deletes its directory (configuration, zones, database).</summary>
    public void Dispose()
    {
        Stop(_process);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindKnotd()
    {
        // /usr/sbin is not on every user's PATH, and Debian installs knotd there.
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "knotd"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("knotd was not found on PATH or in /usr/sbin: install the Debian package 'knot'.");
    }

    private static string Configuration(string directory, IPEndPoint endPoint, IReadOnlyList<DnsTestZone> zones)
    {
        var text = new StringBuilder();
        text.Append($"""
            server:
                rundir: "{directory}/run"
                # knotd drops privileges to this user after binding; the current user needs no change of identity.
                user: {Environment.UserName}
                listen: {endPoint.Address}@{endPoint.Port}
                # One worker of each kind: the test machine's cores are shared, and the load is a handful of queries.
                udp-workers: 1
                tcp-workers: 1
                background-workers: 1

            database:
                storage: "{directory}/db"

            log:
              - target: stderr
                any: info

            template:
              - id: default
                storage: "{directory}/zones"
                file: "%s.zone"
                # Serve the files as written: never write them back, keep no journal.
                zonefile-sync: -1
                journal-content: none

            zone:

            """);
        foreach (var zone in zones)
        {
            text.Append($"  - domain: {zone.AbsoluteName}\n");
        }

        return text.ToString();
    }

    private static Process Launch(string knotd, string configPath, StringBuilder log)
    {
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(knotd)
            {
                ArgumentList = { "--config", configPath },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilServingAsync(
        Process process, StringBuilder log, IPEndPoint endPoint, IReadOnlyList<DnsTestZone> zones, CancellationToken cancellationToken)
    {
        var client = new LookupClient(new LookupClientOptions(endPoint)
        {
            UseCache = false,
            Timeout = TimeSpan.FromMilliseconds(250),
            Retries = 0,
            ThrowDnsErrors = false,
        });
        var deadline = Stopwatch.StartNew();
        var waiting = zones.Select(z => z.AbsoluteName).ToList();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"knotd exited with code {process.ExitCode}.");
            }

            lock (log)
            {
                // A zone that fails to load is logged, then answered with SERVFAIL forever: fail now, not at the deadline.
                if (log.ToString().Contains(" error: ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("knotd logged an error.");
                }
            }

            // Zones load in the background after the sockets are bound: wait until each one answers for itself.
            for (var i = waiting.Count - 1; i >= 0; i--)
            {
                if (await AnswersSoaAsync(client, waiting[i], cancellationToken))
                {
                    waiting.RemoveAt(i);
                }
            }

            if (waiting.Count == 0)
            {
                return;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"no SOA answer within {StartTimeout.TotalSeconds} s for: {string.Join(", ", waiting)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private static async Task<bool> AnswersSoaAsync(LookupClient client, string zone, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.QueryAsync(zone, QueryType.SOA, QueryClass.IN, cancellationToken);
            return response.Header.ResponseCode == DnsHeaderResponseCode.NoError && response.Answers.SoaRecords().Any();
        }
        catch (DnsResponseException)
        {
            // Not listening yet.
            return false;
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }
}
