using System.Text;
using Milter.Daemon.Configuration;

namespace Milter.ConfGen;

/// <summary>
/// The fully commented milter.conf shipped in the .deb and the container image: every key of
/// <see cref="ConfigKeys.All"/>, grouped by section, with its meaning and, commented out, its default.
/// Written from the key table at package build time, so a key added to the daemon is documented by the next build.
/// </summary>
public static class MilterConfTemplate
{
    /// <summary>Column at which a value starts, as in <c>authmilter --check</c>.</summary>
    public const int NameWidth = 24;

    /// <summary>Longest comment line before the description wraps.</summary>
    public const int LineWidth = 100;

    /// <summary>How a default that is this machine's host name is shown (it is the host name of the machine the daemon runs on).</summary>
    public const string HostNameDefault = "(host name)";

    private const string Preamble = """
        # authmilter configuration: /etc/authmilter/milter.conf
        #
        # One "Name value" per line; '#' starts a comment (at the start of a line or after white space).
        # Names are case-insensitive; lists are comma-separated; booleans are yes/no/true/false; durations
        # take ms, s, m, h or d (a bare number is seconds). Each key may be set once; an unknown key, a
        # repeated key or a bad value stops the daemon with the file, line and key (exit code 78).
        #
        # Every key is listed below with its meaning and, commented out, its default: uncomment a line to
        # change it. A default in parentheses has no literal value (unset, taken from /etc/resolv.conf,
        # the host name): write a value in its place.
        #
        # Check this file and print the effective configuration:
        #   authmilter --config /etc/authmilter/milter.conf --check
        """;

    /// <summary>The default of <paramref name="key"/> as documented: its value, or <see cref="HostNameDefault"/> for a host-dependent one.</summary>
    public static string DocumentedDefault(ConfigKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var value = key.Default;
        return value == System.Net.Dns.GetHostName() ? HostNameDefault : value;
    }

    /// <summary>The commented line that documents the default of <paramref name="key"/>.</summary>
    public static string DefaultLine(ConfigKey key) => "#" + Pad(key.Name, NameWidth - 1) + DocumentedDefault(key);

    /// <summary>
    /// Writes the file. Each of <paramref name="settings"/> is written as an active line under its key's default
    /// (the container image sets <c>Socket</c> this way).
    /// </summary>
    /// <exception cref="FormatException">A setting names an unknown key, or its value is not valid for the key.</exception>
    public static string Render(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var active = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in settings)
        {
            if (!ConfigKeys.ByName.TryGetValue(name, out var key))
            {
                throw new FormatException($"{name}: unknown key.");
            }

            if (!active.TryAdd(key.Name, value))
            {
                throw new FormatException($"{key.Name}: set twice.");
            }

            try
            {
                key.Apply(new MilterSettings(), value);
            }
            catch (FormatException exception)
            {
                throw new FormatException($"{key.Name}: {exception.Message}", exception);
            }
        }

        var text = new StringBuilder(Preamble).Append('\n');
        foreach (var section in ConfigKeys.All.GroupBy(k => k.Section))
        {
            text.Append('\n').Append("# --- ").Append(section.Key).Append(" ---\n");
            foreach (var key in section)
            {
                text.Append('\n');
                foreach (var line in Wrap(key.Description, LineWidth - 2))
                {
                    text.Append("# ").Append(line).Append('\n');
                }

                text.Append(DefaultLine(key)).Append('\n');
                if (active.TryGetValue(key.Name, out var value))
                {
                    text.Append(Setting(key.Name, value)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Setting(string name, string value) => Pad(name, NameWidth) + value;

    private static string Pad(string name, int width) => name.PadRight(Math.Max(width, name.Length + 1));

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
