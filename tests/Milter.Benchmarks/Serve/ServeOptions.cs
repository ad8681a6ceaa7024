using Milter.Protocol.Hosting;
using static Milter.Benchmarks.CommandLineValues;

namespace Milter.Benchmarks.Serve;

/// <summary>Command line of the <c>serve-noop</c> mode.</summary>
/// <param name="Socket">The listening socket, <c>inet:PORT@HOST</c> or <c>unix:/path</c>.</param>
/// <param name="MaxConnections">The server's connection limit.</param>
public sealed record ServeOptions(MilterEndpoint Socket, int MaxConnections)
{
    public const string Usage = """
        serve-noop --socket inet:PORT@HOST|unix:/path [--max-connections N]
          --max-connections  connections served at once (default 1024, the server's default)
        """;

    /// <summary>Parses the arguments after <c>serve-noop</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    public static ServeOptions Parse(IReadOnlyList<string> args)
    {
        MilterEndpoint? socket = null;
        var maxConnections = new MilterServerOptions().MaxConnections;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--socket":
                    socket = MilterEndpoint.Parse(Value());
                    break;
                case "--max-connections":
                    maxConnections = ParseInt(Value(), 1, 100_000, "--max-connections");
                    break;
                default:
                    throw new FormatException($"Unknown argument '{args[i]}'.");
            }
        }

        return socket is null ? throw new FormatException("--socket is required.") : new ServeOptions(socket, maxConnections);
    }
}
