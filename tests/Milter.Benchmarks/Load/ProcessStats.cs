using System.Globalization;
using System.Runtime.InteropServices;

namespace Milter.Benchmarks.Load;

/// <summary>CPU time and memory of a Linux process, read from /proc.</summary>
/// <param name="UserTime">utime.</param>
/// <param name="SystemTime">stime.</param>
/// <param name="PeakResidentBytes">VmHWM: the peak resident set size over the process's life.</param>
/// <param name="ResidentBytes">VmRSS now.</param>
public sealed record ProcessStats(TimeSpan UserTime, TimeSpan SystemTime, long PeakResidentBytes, long ResidentBytes)
{
    private const int ScClockTicks = 2;

    /// <summary>Reads the statistics of <paramref name="pid"/>; null when the process or /proc is not there.</summary>
    public static ProcessStats? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // Fields after the parenthesised command name (which may contain spaces): state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticksPerSecond = (double)sysconf(ScClockTicks);
            var user = TimeSpan.FromSeconds(long.Parse(fields[11], CultureInfo.InvariantCulture) / ticksPerSecond);
            var system = TimeSpan.FromSeconds(long.Parse(fields[12], CultureInfo.InvariantCulture) / ticksPerSecond);

            long peak = 0, resident = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = ParseKilobytes(line);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = ParseKilobytes(line);
                }
            }

            return new ProcessStats(user, system, peak, resident);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long ParseKilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;

    [DllImport("libc", SetLastError = true)]
    private static extern long sysconf(int name);
}
