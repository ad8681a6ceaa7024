namespace Milter.Packaging.Tests.Support;

/// <summary>The <c>Key=Value</c> settings of a systemd unit file, by section (a key set twice keeps both values).</summary>
public sealed class SystemdUnit
{
    private readonly Dictionary<string, List<string>> _settings;

    private SystemdUnit(Dictionary<string, List<string>> settings) => _settings = settings;

    /// <summary>Reads <paramref name="path"/>; comments and blank lines are skipped.</summary>
    public static SystemdUnit Read(string path)
    {
        var settings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var section = string.Empty;
        foreach (var line in File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] is not ('#' or ';')))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
            }
            else if (line.Split('=', 2) is [var key, var value])
            {
                var name = $"{section}.{key.Trim()}";
                if (!settings.TryGetValue(name, out var values))
                {
                    settings[name] = values = [];
                }

                values.Add(value.Trim());
            }
        }

        return new SystemdUnit(settings);
    }

    /// <summary>The values of <c>[section] key</c>, in file order; empty when it is not set.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        _settings.TryGetValue($"{section}.{key}", out var values) ? values : [];

    /// <summary>The single value of <c>[section] key</c>.</summary>
    /// <exception cref="InvalidOperationException">It is not set exactly once.</exception>
    public string Value(string section, string key) => Values(section, key).Single();
}
