using Milter.Authentication.Dmarc;

namespace Milter.Daemon.Configuration;

/// <summary>
/// Reads the <c>DmarcOverrides</c> file: one <c>domain action</c> per line (<c>none</c>, <c>quarantine</c> or
/// <c>reject</c>), <c>#</c> comments, blank lines. The action replaces the published policy for failing mail.
/// </summary>
public static class DmarcOverridesFile
{
    /// <summary>The overrides by author domain (lower case, no trailing dot).</summary>
    /// <exception cref="FormatException">The file cannot be read, or a line is malformed; the text names the file and line.</exception>
    public static IReadOnlyDictionary<string, DmarcPolicy> Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read '{path}': {exception.Message}");
        }

        var overrides = new Dictionary<string, DmarcPolicy>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !Enum.TryParse<DmarcPolicy>(parts[1], ignoreCase: true, out var action) || !Enum.IsDefined(action) || char.IsAsciiDigit(parts[1][0]))
            {
                throw new FormatException($"{path}:{i + 1}: '{lines[i].Trim()}' is not 'domain none|quarantine|reject'.");
            }

            overrides[parts[0].TrimEnd('.').ToLowerInvariant()] = action;
        }

        return overrides;
    }
}
