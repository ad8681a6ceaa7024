using static Milter.Benchmarks.CommandLineValues;

namespace Milter.Benchmarks.BigMessage;

/// <summary>Command line of the <c>bigmessage</c> mode.</summary>
/// <param name="DaemonPath">authmilter.dll, run with <c>dotnet</c>.</param>
/// <param name="SizeMegabytes">Size of the big message in MiB.</param>
/// <param name="LimitMegabytes">Largest allowed rise of the daemon's RSS in MiB.</param>
/// <param name="Timeout">Hard limit for the whole run.</param>
public sealed record BigMessageOptions(string DaemonPath, int SizeMegabytes, int LimitMegabytes, TimeSpan Timeout)
{
    public const string Usage = """
        bigmessage [--daemon PATH/authmilter.dll] [--size-mb 50] [--limit-mb 32] [--timeout 300s]
          --daemon    the daemon to start with dotnet (default: src/Milter.Daemon/bin/Release/net10.0/authmilter.dll
                      under the repository root; build it with dotnet build src/Milter.Daemon -c Release)
          --size-mb   size of the DKIM-signed message sent through it (default 50)
          --limit-mb  exit 1 when the daemon's peak RSS rises more than this over its RSS after a warm-up (default 32)
          --timeout   hard limit for the whole run (default 300s)
        """;

    /// <summary>Parses the arguments after <c>bigmessage</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    /// <exception cref="DirectoryNotFoundException">No --daemon given and the repository root is not found.</exception>
    public static BigMessageOptions Parse(IReadOnlyList<string> args)
    {
        string? daemon = null;
        var size = 50;
        var limit = 32;
        var timeout = TimeSpan.FromSeconds(300);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--daemon":
                    daemon = Value();
                    break;
                case "--size-mb":
                    size = ParseInt(Value(), 1, 1024, "--size-mb");
                    break;
                case "--limit-mb":
                    limit = ParseInt(Value(), 1, 4096, "--limit-mb");
                    break;
                case "--timeout":
                    timeout = ParseDuration(Value());
                    break;
                default:
                    throw new FormatException($"Unknown argument '{args[i]}'.");
            }
        }

        return new BigMessageOptions(daemon ?? ReleaseDaemon.Path, size, limit, timeout);
    }
}
