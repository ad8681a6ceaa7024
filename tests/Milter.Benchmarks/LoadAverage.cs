using System.Globalization;

namespace Milter.Benchmarks;

/// <summary>The machine's load average, printed next to each number: the cores may be shared.</summary>
internal static class LoadAverage
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg with the processor count, or "unknown".</summary>
    public static string Describe()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Create(CultureInfo.InvariantCulture, $"load average {fields[0]} {fields[1]} {fields[2]} on {Environment.ProcessorCount} processors");
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }
}
