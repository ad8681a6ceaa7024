using System.Net;
using System.Text;
using Milter.Dns;
using Milter.TestKit;

namespace Milter.Authentication.Tests.Dmarc;

/// <summary>
/// Reads /work/shared/testdata/authmilter-e2e (authentication_milter's end-to-end cases, see its SOURCE.md) in place:
/// the folder is found from the test directory, never copied into the repository.
/// </summary>
internal static class AuthmilterE2eData
{
    public static string? Directory { get; } = Locate();

    public static IEnumerable<Dictionary<string, string>> Cases()
    {
        if (Directory is null)
        {
            yield break;
        }

        var lines = File.ReadAllLines(Path.Combine(Directory, "cases.tsv"));
        var columns = lines[0].Split('\t');
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            yield return columns.Select((c, i) => (c, i < cells.Length ? cells[i] : string.Empty)).ToDictionary(p => p.c, p => p.Item2);
        }
    }

    /// <summary>The zone: TXT, A, AAAA and MX records (the types DMARC asks for); other types only make their owner exist.</summary>
    public static InMemoryDnsResolver LoadZone()
    {
        var zone = new InMemoryDnsResolver();
        var text = File.ReadAllText(Path.Combine(Directory!, "zonefile"));
        foreach (var entry in Entries(text))
        {
            var tokens = Tokenize(entry);
            var i = 1;
            while (i < tokens.Count && (tokens[i].Text.All(char.IsAsciiDigit) || tokens[i].Text == "IN") && !tokens[i].Quoted)
            {
                i++;
            }

            var (owner, type, data) = (tokens[0].Text, tokens[i].Text.ToUpperInvariant(), tokens.Skip(i + 1).ToList());
            _ = type switch
            {
                // SOURCE.md: join TXT character-strings with no separator, quoted or not.
                "TXT" => zone.AddTxt(owner, string.Concat(data.Select(t => t.Text))),
                "A" or "AAAA" => zone.AddAddress(owner, IPAddress.Parse(data[0].Text)),
                "MX" => zone.AddMx(owner, int.Parse(data[0].Text, System.Globalization.CultureInfo.InvariantCulture), data[1].Text),
                _ => zone.AddEmpty(owner),
            };
        }

        return zone;
    }

    /// <summary>The values of a message's From fields, as received (folding kept), whatever the case of the name or space before the colon.</summary>
    public static string[] FromValues(string message) => [.. HeaderFields(message).Where(f => f.Name.Equals("from", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value)];

    /// <summary>The header fields of a message up to the first empty line, unfolded only into (name, raw value).</summary>
    public static IEnumerable<(string Name, string Value)> HeaderFields(string message)
    {
        var text = message.Replace("\r\n", "\n").Split('\n');
        string? name = null;
        var value = new StringBuilder();
        foreach (var line in text)
        {
            if (line.Length > 0 && line[0] is ' ' or '\t' && name is not null)
            {
                value.Append("\r\n").Append(line);
                continue;
            }

            if (name is not null)
            {
                yield return (name, value.ToString());
            }

            if (line.Length == 0)
            {
                yield break;
            }

            var colon = line.IndexOf(':');
            name = line[..colon].TrimEnd(' ', '\t');
            value.Clear().Append(line[(colon + 1)..]);
        }
    }

    private static string? Locate()
    {
        var data = Path.GetFullPath(RepositoryPaths.SharedTestData("authmilter-e2e"));
        return System.IO.Directory.Exists(data) ? data : null;
    }

    // Master-file entries: comments start at ';' outside quotes; parentheses continue an entry over lines.
    private static IEnumerable<string> Entries(string text)
    {
        var entry = new StringBuilder();
        var depth = 0;
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            var quoted = false;
            foreach (var c in line)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (!quoted && c == ';')
                {
                    break;
                }
                else if (!quoted && c is '(' or ')')
                {
                    depth += c == '(' ? 1 : -1;
                    entry.Append(' ');
                    continue;
                }

                entry.Append(c);
            }

            if (depth == 0)
            {
                if (entry.ToString().Trim().Length > 0)
                {
                    yield return entry.ToString();
                }

                entry.Clear();
            }
            else
            {
                entry.Append(' ');
            }
        }
    }

    private static List<(string Text, bool Quoted)> Tokenize(string entry)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < entry.Length)
        {
            if (char.IsWhiteSpace(entry[i]))
            {
                i++;
            }
            else if (entry[i] == '"')
            {
                var end = entry.IndexOf('"', i + 1);
                tokens.Add((entry[(i + 1)..end], true));
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < entry.Length && !char.IsWhiteSpace(entry[i]) && entry[i] != '"')
                {
                    i++;
                }

                tokens.Add((entry[start..i], false));
            }
        }

        return tokens;
    }
}
