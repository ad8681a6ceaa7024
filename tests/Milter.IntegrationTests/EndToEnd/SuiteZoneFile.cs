using System.Text;
using Milter.TestKit.Dns;

namespace Milter.IntegrationTests.EndToEnd;

/// <summary>
/// The suite's <c>zonefile</c> (BIND syntax as Perl's Net::DNS::ZoneFile reads it, served upstream by a mock
/// resolver) turned into one root zone for <see cref="KnotDnsServer"/>, so that knotd answers like that mock: every
/// name in the file from the file, every other name NXDOMAIN, and CNAMEs followed across domains.
/// </summary>
public static class SuiteZoneFile
{
    // RFC 1035 section 3.3.14: a TXT record is a sequence of character-strings of at most 255 bytes each.
    private const int MaxCharacterString = 255;

    /// <summary>Reads <paramref name="path"/> and returns its records as the root zone.</summary>
    /// <exception cref="FormatException">A line has no record type, or an owner, TTL or class out of place.</exception>
    public static DnsTestZone Load(string path) =>
        new(".", string.Join('\n', File.ReadLines(path).Select(Convert).OfType<string>()));

    // One zone-file line as knotd accepts it, or null for comments (the ";ERROR" lines name NXDOMAIN answers, which
    // the zone gives for any absent name), blank lines and NS records: in the root zone an NS record below the apex
    // would delegate the domain away, and no check asks for NS.
    private static string? Convert(string line)
    {
        var tokens = Tokenize(line);
        if (tokens.Count == 0 || tokens[0].StartsWith(';'))
        {
            return null;
        }

        // owner [ttl] [class] type rdata…; owners without the trailing dot are absolute as well.
        var owner = tokens[0].EndsWith('.') ? tokens[0] : tokens[0] + ".";
        var i = 1;
        var ttl = i < tokens.Count && tokens[i].All(char.IsAsciiDigit) ? tokens[i++] + " " : string.Empty;
        if (i < tokens.Count && tokens[i] == "IN")
        {
            i++;
        }

        if (i >= tokens.Count)
        {
            throw new FormatException($"No record type in zonefile line '{line}'.");
        }

        var type = tokens[i];
        var data = tokens.Skip(i + 1).ToList();
        return type switch
        {
            "NS" => null,
            "TXT" => $"{owner} {ttl}TXT {TxtData(data)}",
            _ => $"{owner} {ttl}{type} {string.Join(' ', data)}",
        };
    }

    // The strings are joined with no separator (one key is split mid-way) and split again at the 255-byte limit,
    // which several unquoted parts exceed; a record without data is one empty string.
    private static string TxtData(List<string> parts)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(parts.Select(Unquote)));
        if (bytes.Length == 0)
        {
            return "\"\"";
        }

        return string.Join(' ', bytes.Chunk(MaxCharacterString).Select(chunk => Quote(Encoding.UTF8.GetString(chunk))));
    }

    private static string Unquote(string token)
    {
        if (!token.StartsWith('"'))
        {
            return token;
        }

        var text = new StringBuilder();
        for (var i = 1; i < token.Length - 1; i++)
        {
            if (token[i] == '\\')
            {
                i++;
            }

            text.Append(token[i]);
        }

        return text.ToString();
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    // Splits at white space outside quoted strings; parentheses (line continuation) are dropped.
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < line.Length)
                {
                    current.Append(line[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                    Flush();
                }
            }
            else if (c == '"')
            {
                Flush();
                current.Append(c);
                quoted = true;
            }
            else if (char.IsWhiteSpace(c) || c is '(' or ')')
            {
                Flush();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException($"Unterminated quoted string in zonefile line '{line}'.");
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
