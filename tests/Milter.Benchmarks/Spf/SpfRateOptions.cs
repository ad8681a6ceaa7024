using static Milter.Benchmarks.CommandLineValues;

namespace Milter.Benchmarks.Spf;

/// <summary>Command line of the <c>spf</c> mode.</summary>
/// <param name="WarmEvaluations">Evaluations with the DNS cache on, after one priming evaluation.</param>
/// <param name="WarmConcurrency">Evaluations in flight at once in the warm run.</param>
/// <param name="ColdEvaluations">Evaluations with the DNS cache off (<c>DnsCacheMaxTtl 0</c>).</param>
/// <param name="ColdConcurrency">Evaluations in flight at once in the cold run.</param>
/// <param name="Timeout">Hard limit for each run; a run cut short exits non-zero.</param>
public sealed record SpfRateOptions(int WarmEvaluations, int WarmConcurrency, int ColdEvaluations, int ColdConcurrency, TimeSpan Timeout)
{
    public const string Usage = """
        spf [--warm N] [--warm-concurrency N] [--cold N] [--cold-concurrency N] [--timeout 300s]
          --warm              evaluations with the DNS cache on, after one priming evaluation (default 200000; 0 skips)
          --warm-concurrency  evaluations in flight in the warm run (default: the processor count)
          --cold              evaluations with DnsCacheMaxTtl 0, 4 TXT queries to knotd each (default 5000; 0 skips)
          --cold-concurrency  evaluations in flight in the cold run (default 16)
          --timeout           hard limit for each run (default 300s)
        """;

    /// <summary>Parses the arguments after <c>spf</c>.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    public static SpfRateOptions Parse(IReadOnlyList<string> args)
    {
        var warm = 200_000;
        var warmConcurrency = Environment.ProcessorCount;
        var cold = 5_000;
        var coldConcurrency = 16;
        var timeout = TimeSpan.FromSeconds(300);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--warm":
                    warm = ParseInt(Value(), 0, 100_000_000, "--warm");
                    break;
                case "--warm-concurrency":
                    warmConcurrency = ParseInt(Value(), 1, 10_000, "--warm-concurrency");
                    break;
                case "--cold":
                    cold = ParseInt(Value(), 0, 10_000_000, "--cold");
                    break;
                case "--cold-concurrency":
                    coldConcurrency = ParseInt(Value(), 1, 10_000, "--cold-concurrency");
                    break;
                case "--timeout":
                    timeout = ParseDuration(Value());
                    break;
                default:
                    throw new FormatException($"Unknown argument '{args[i]}'.");
            }
        }

        return new SpfRateOptions(warm, warmConcurrency, cold, coldConcurrency, timeout);
    }
}
