using Milter.Authentication.Dmarc;

namespace Milter.Daemon.Configuration;

/// <summary>
/// Reads milter.conf: <c>Name value</c> lines, <c>#</c> comments (whole-line or after the value), blank lines,
/// case-insensitive names, the rest of the line as the value. Each key may appear once.
/// </summary>
public static class MilterConfigFile
{
    /// <summary>Loads <paramref name="path"/> over the defaults.</summary>
    /// <exception cref="ConfigurationException">The file cannot be read, or a line has an unknown or repeated key, no value, or a bad value.</exception>
    public static MilterSettings Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, $"cannot read the configuration file: {exception.Message}");
        }

        return Parse(path, lines);
    }

    /// <summary>Applies the lines of a configuration text named <paramref name="file"/> over the defaults.</summary>
    /// <exception cref="ConfigurationException">A line has an unknown or repeated key, no value, or a bad value.</exception>
    public static MilterSettings Parse(string file, IReadOnlyList<string> lines)
    {
        var settings = new MilterSettings();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < lines.Count; index++)
        {
            var lineNumber = index + 1;
            var line = StripComment(lines[index]).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t']);
            var name = split < 0 ? line : line[..split];
            var value = split < 0 ? string.Empty : line[split..].Trim();
            if (!ConfigKeys.ByName.TryGetValue(name, out var key))
            {
                var hint = ConfigKeys.Suggest(name);
                throw new ConfigurationException(file, lineNumber, name, hint is null ? "unknown key." : $"unknown key; did you mean {hint}?");
            }

            if (seen.TryGetValue(key.Name, out var first))
            {
                throw new ConfigurationException(file, lineNumber, key.Name, $"set again (first set on line {first}).");
            }

            seen[key.Name] = lineNumber;
            if (value.Length == 0)
            {
                throw new ConfigurationException(file, lineNumber, key.Name, $"no value (default: {key.Default}).");
            }

            try
            {
                key.Apply(settings, value);
            }
            catch (FormatException exception)
            {
                throw new ConfigurationException(file, lineNumber, key.Name, exception.Message);
            }
        }

        try
        {
            settings.Dns.Validate();
        }
        catch (ArgumentException exception)
        {
            var line = seen.GetValueOrDefault("DnsCacheMinTtl", seen.GetValueOrDefault("Nameservers"));
            throw new ConfigurationException(file, line, null, exception.Message.Split(" (Parameter")[0]);
        }

        if (settings.DmarcMode != DmarcMode.Off && settings.Dmarc.Discovery == DmarcDiscoveryMode.PublicSuffixList && !File.Exists(settings.Dmarc.PublicSuffixListPath))
        {
            var line = seen.GetValueOrDefault("PublicSuffixList", seen.GetValueOrDefault("DmarcDiscovery"));
            throw new ConfigurationException(file, line, "PublicSuffixList", $"'{settings.Dmarc.PublicSuffixListPath}' does not exist (install the publicsuffix package or set the path).");
        }

        return settings;
    }

    // A '#' starts a comment at the line start or after white space, so values such as URLs with fragments stay whole.
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }
}
