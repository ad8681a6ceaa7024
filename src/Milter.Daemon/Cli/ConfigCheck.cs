using Milter.Daemon.Configuration;

namespace Milter.Daemon.Cli;

/// <summary><c>authmilter --check</c>: prints the effective configuration in milter.conf syntax.</summary>
internal static class ConfigCheck
{
    public static void Print(MilterSettings settings, string source, TextWriter output)
    {
        output.WriteLine($"# authmilter effective configuration ({source}): valid");
        foreach (var section in ConfigKeys.All.GroupBy(k => k.Section))
        {
            output.WriteLine();
            output.WriteLine($"# {section.Key}");
            foreach (var key in section)
            {
                output.WriteLine($"{key.Name,-24}{key.Show(settings)}");
            }
        }
    }
}
