using System.Text;

namespace Milter.IntegrationTests.EndToEnd;

/// <summary>One method's result in an Authentication-Results value as authmilter wrote it: <c>spf=pass smtp.mailfrom=example.org</c>.</summary>
/// <param name="Method">The method, e.g. <c>dkim</c>.</param>
/// <param name="Result">The result keyword, e.g. <c>pass</c>.</param>
/// <param name="Properties">The properties (<c>header.d</c>, <c>smtp.helo</c>…) with their values unquoted.</param>
public sealed record ReportedMethod(string Method, string Result, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>
    /// The authserv-id and the method results of an RFC 8601 value, in order; comments are dropped, quoted values
    /// unquoted. <c>authserv-id; none</c> gives no results.
    /// </summary>
    /// <exception cref="FormatException">A result is not written <c>method=result</c>.</exception>
    public static (string AuthservId, IReadOnlyList<ReportedMethod> Methods) Parse(string value)
    {
        var parts = SplitOutsideCommentsAndQuotes(value, ';');
        var methods = new List<ReportedMethod>();
        foreach (var part in parts.Skip(1).Select(p => p.Trim()).Where(p => p is not ("" or "none")))
        {
            var words = SplitOutsideCommentsAndQuotes(WithoutComments(part), ' ').Where(w => w.Length > 0).ToList();
            var (method, result) = Pair(words[0], part);
            var properties = words.Skip(1).Select(w => Pair(w, part)).ToDictionary(p => p.Name, p => Unquote(p.Value));
            methods.Add(new ReportedMethod(method, result, properties));
        }

        return (WithoutComments(parts[0]).Trim(), methods);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(' ', Properties.Select(p => $"{p.Key}={p.Value}").Prepend($"{Method}={Result}"));

    private static (string Name, string Value) Pair(string word, string part)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (word[..equals], word[(equals + 1)..]) : throw new FormatException($"'{word}' in '{part}' is not name=value.");
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\") : value;

    // RFC 8601 section 2.2: comments nest and may hold quoted pairs; a quoted string may hold parentheses.
    private static string WithoutComments(string text)
    {
        var output = new StringBuilder();
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (depth > 0)
            {
                depth += c switch { '(' => 1, ')' => -1, _ => 0 };
                i += c == '\\' ? 1 : 0;
            }
            else if (quoted)
            {
                output.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    output.Append(text[++i]);
                }

                quoted = c != '"';
            }
            else if (c == '(')
            {
                depth = 1;
            }
            else
            {
                quoted = c == '"';
                output.Append(c);
            }
        }

        return output.ToString();
    }

    private static List<string> SplitOutsideCommentsAndQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '"' && depth == 0)
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')' && depth > 0)
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
