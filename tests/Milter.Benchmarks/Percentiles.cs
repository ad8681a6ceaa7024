using System.Diagnostics;

namespace Milter.Benchmarks;

/// <summary>Percentiles of latencies measured in <see cref="Stopwatch"/> ticks.</summary>
internal static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of <paramref name="sortedTicks"/> (ascending) in milliseconds; 0 for no samples.
    /// <paramref name="fraction"/> 1.0 is the maximum.
    /// </summary>
    public static double Milliseconds(long[] sortedTicks, double fraction)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        var index = (int)Math.Min(sortedTicks.Length - 1, Math.Ceiling(fraction * sortedTicks.Length) - 1);
        return sortedTicks[Math.Max(0, index)] * 1000.0 / Stopwatch.Frequency;
    }
}
