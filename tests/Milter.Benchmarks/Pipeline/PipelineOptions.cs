using static Milter.Benchmarks.CommandLineValues;

namespace Milter.Benchmarks.Pipeline;

/// <summary>Command line of the <c>pipeline</c> mode.</summary>
/// <param name="DaemonPath">authmilter.dll, run with <c>dotnet</c>.</param>
/// <param name="Connections">Concurrent MTA connections.</param>
/// <param name="Messages">Messages per size, or null to run each size for <paramref name="Duration"/>.</param>
/// <param name="Duration">How long each size is run when no message count is given.</param>
/// <param name="Timeout">Hard limit for each size's run; a run cut short exits non-zero.</param>
/// <param name="ReportStore">The daemon's <c>ReportStore</c>, or null for a SQLite file in its temp directory.</param>
public sealed record PipelineOptions(string DaemonPath, int Connections, int? Messages, TimeSpan Duration, TimeSpan Timeout, string? ReportStore)
{
    public const string Usage = """
        pipeline [--daemon PATH/authmilter.dll] [--connections 10] [--duration 20s | --messages N] [--timeout 120s] [--report-store SPEC]
          --daemon       the daemon to start with dotnet (default: src/Milter.Daemon/bin/Release/net10.0/authmilter.dll
                         under the repository root; build it with dotnet build src/Milter.Daemon -c Release)
          --connections  concurrent MTA connections (default 10)
          --duration     how long each message size is sent (default 20s); --messages: this many per size instead
          --timeout      hard limit for each size (default 120s)
          --report-store the daemon's ReportStore (default: SQLite in its temp directory; none: no history)
        """;

    /// <summary>Parses the arguments after <c>pipeline</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    /// <exception cref="DirectoryNotFoundException">No --daemon given and the repository root is not found.</exception>
    public static PipelineOptions Parse(IReadOnlyList<string> args)
    {
        string? daemon = null;
        var connections = 10;
        int? messages = null;
        var duration = TimeSpan.FromSeconds(20);
        var timeout = TimeSpan.FromSeconds(120);
        string? reportStore = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--daemon":
                    daemon = Value();
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
                case "--timeout":
                    timeout = ParseDuration(Value());
                    break;
                case "--report-store":
                    reportStore = Value();
                    break;
                default:
                    throw new FormatException($"Unknown argument '{args[i]}'.");
            }
        }

        return new PipelineOptions(daemon ?? ReleaseDaemon.Path, connections, messages, duration, timeout, reportStore);
    }
}
