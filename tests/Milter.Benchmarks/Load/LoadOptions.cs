using System.Net;
using static Milter.Benchmarks.CommandLineValues;

namespace Milter.Benchmarks.Load;

/// <summary>Command line of the <c>load</c> mode.</summary>
public sealed record LoadOptions(
    string Socket,
    int Connections,
    long? Messages,
    TimeSpan? Duration,
    IReadOnlyList<string> EmlFiles,
    int? DaemonPid,
    TimeSpan Ramp,
    TimeSpan Timeout)
{
    /// <summary>The envelope sender without --from.</summary>
    public const string DefaultSender = "<newsletter@lists.example.org>";

    /// <summary>The envelope sender of every message, in angle brackets.</summary>
    public string Sender { get; init; } = DefaultSender;

    /// <summary>The client address every connection reports; null gives connection N the address 198.51.N/256.N%256.</summary>
    public IPAddress? Client { get; init; }

    public const string Usage = """
        load --socket inet:PORT@HOST|unix:/path [--connections N] (--messages M | --duration 30s) --eml FILE... [--pid DAEMONPID]
             [--ramp 2s] [--timeout 120s] [--from ADDRESS] [--client IP]
          --connections  concurrent MTA connections (default 10, at most 10000)
          --messages     total messages over all connections; --duration: stop starting messages after this time
          --eml          one or more .eml files, replayed round-robin
          --pid          report the daemon's CPU time (utime+stime delta) and peak RSS (VmHWM) from /proc
          --ramp         spread connection starts over this time (default 2s)
          --timeout      hard limit for the whole run (default: duration + 60s, or 300s with --messages)
          --from         envelope sender (default newsletter@lists.example.org)
          --client       client address of every connection (default: 198.51.N/256.N%256 for connection N)
        """;

    /// <summary>Parses the arguments after <c>load</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        string? socket = null;
        var connections = 10;
        long? messages = null;
        TimeSpan? duration = null;
        var emlFiles = new List<string>();
        int? pid = null;
        var ramp = TimeSpan.FromSeconds(2);
        TimeSpan? timeout = null;
        string? sender = null;
        IPAddress? client = null;

        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--socket":
                    socket = Value();
                    break;
                case "--connections":
                    connections = ParseInt(Value(), 1, 10_000, "--connections");
                    break;
                case "--messages":
                    messages = ParseInt(Value(), 1, int.MaxValue, "--messages");
                    break;
                case "--duration":
                    duration = ParseDuration(Value());
                    break;
                case "--eml":
                    emlFiles.Add(Value());
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        emlFiles.Add(args[++i]);
                    }

                    break;
                case "--pid":
                    pid = ParseInt(Value(), 1, int.MaxValue, "--pid");
                    break;
                case "--ramp":
                    ramp = ParseDuration(Value());
                    break;
                case "--timeout":
                    timeout = ParseDuration(Value());
                    break;
                case "--from":
                    sender = $"<{Value().Trim('<', '>')}>";
                    break;
                case "--client":
                    client = IPAddress.TryParse(Value(), out var address) ? address : throw new FormatException("--client must be an IP address.");
                    break;
                default:
                    throw new FormatException($"Unknown argument '{args[i]}'.");
            }
        }

        if (socket is null || emlFiles.Count == 0 || (messages is null) == (duration is null))
        {
            throw new FormatException("--socket, --eml and exactly one of --messages or --duration are required.");
        }

        var hardLimit = timeout ?? (duration is { } d ? d + TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(300));
        return new LoadOptions(socket, connections, messages, duration, emlFiles, pid, ramp, hardLimit) { Sender = sender ?? DefaultSender, Client = client };
    }
}
