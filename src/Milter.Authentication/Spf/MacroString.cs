using System.Text;

namespace Milter.Authentication.Spf;

/// <summary>A macro-string (RFC 7208 section 7.1) parsed once, so that each evaluation only expands it.</summary>
internal sealed class MacroString
{
    private const string Delimiters = ".-+,/_=";
    private const string TermLetters = "slodiphv";
    private const string ExplanationLetters = "slodiphvcrt";
    // RFC 7208 section 7.3 caps nothing, but no name has more than 127 labels; larger counts mean "all".
    private const int MaxParts = 128;

    private readonly MacroToken[] _tokens;
    private readonly string? _literal;

    private MacroString(string text, MacroToken[] tokens, bool endsWithExpand)
    {
        Text = text;
        _tokens = tokens;
        EndsWithExpand = endsWithExpand;
        UsesValidatedName = Array.Exists(tokens, t => t.Literal is null && t.Letter == 'p');
        _literal = tokens.Length switch
        {
            0 => string.Empty,
            1 when tokens[0].Literal is { } only => only,
            _ => null,
        };
    }

    /// <summary>The source text.</summary>
    public string Text { get; }

    /// <summary>Whether the text ends in a macro-expand, which makes it a valid domain-end on its own.</summary>
    public bool EndsWithExpand { get; }

    /// <summary>Whether expansion needs the validated client name (<c>%{p}</c>), which costs DNS queries.</summary>
    public bool UsesValidatedName { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string text, MacroSyntax syntax, out MacroString result, out string? problem)
    {
        var letters = syntax == MacroSyntax.Explanation ? ExplanationLetters : TermLetters;
        var tokens = new List<MacroToken>();
        var literal = new StringBuilder();
        var endsWithExpand = false;
        result = null!;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                if (c > '~' || c < '!' && !(c == ' ' && syntax == MacroSyntax.Explanation))
                {
                    problem = $"invalid character 0x{(int)c:X2} in \"{text}\"";
                    return false;
                }

                literal.Append(c);
                endsWithExpand = false;
                continue;
            }

            endsWithExpand = true;
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (next)
            {
                case '%': literal.Append('%'); i++; continue;
                case '_': literal.Append(' '); i++; continue;
                case '-': literal.Append("%20"); i++; continue;
                case '{': break;
                default:
                    problem = $"'%' not followed by '{{', '%', '_' or '-' in \"{text}\"";
                    return false;
            }

            if (!TryParseExpand(text, ref i, letters, out var token))
            {
                problem = $"invalid macro in \"{text}\"";
                return false;
            }

            if (literal.Length > 0)
            {
                tokens.Add(new MacroToken(literal.ToString(), '\0', 0, false, null, false));
                literal.Clear();
            }

            tokens.Add(token);
        }

        if (literal.Length > 0)
        {
            // Text without any '%' is its own expansion: keep the instance so expanding it costs nothing.
            var rest = tokens.Count == 0 && !text.Contains('%') ? text : literal.ToString();
            tokens.Add(new MacroToken(rest, '\0', 0, false, null, false));
        }

        result = new MacroString(text, [.. tokens], endsWithExpand);
        problem = null;
        return true;
    }

    /// <summary>Expands the string; <paramref name="scratch"/> is reused between calls to spare allocations.</summary>
    public string Expand(SpfMacroValues values, string domain, string? validatedName, StringBuilder scratch)
    {
        if (_literal is not null)
        {
            return _literal;
        }

        scratch.Clear();
        foreach (var token in _tokens)
        {
            if (token.Literal is not null)
            {
                scratch.Append(token.Literal);
                continue;
            }

            var value = token.Letter switch
            {
                's' => values.Sender,
                'l' => values.LocalPart,
                'o' => values.SenderDomain,
                'd' => domain,
                'i' => values.DottedAddress,
                'p' => validatedName ?? "unknown",
                'v' => values.ReverseZone,
                'h' => values.Helo,
                'c' => values.ClientText,
                'r' => values.Receiver,
                _ => values.Timestamp,
            };
            AppendTransformed(scratch, value, token);
        }

        return scratch.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    // Parses "%{" letter *DIGIT ["r"] *delimiter "}" starting at text[i] == '%'; leaves i on the '}'.
    private static bool TryParseExpand(string text, ref int i, string letters, out MacroToken token)
    {
        token = default;
        var p = i + 2;
        if (p >= text.Length)
        {
            return false;
        }

        var letter = text[p];
        var lower = char.ToLowerInvariant(letter);
        if (!letters.Contains(lower) || letter > 'z')
        {
            return false;
        }

        p++;
        var parts = 0;
        var digits = 0;
        while (p < text.Length && char.IsAsciiDigit(text[p]))
        {
            parts = Math.Min(parts * 10 + (text[p] - '0'), MaxParts);
            digits++;
            p++;
        }

        // RFC 7208 section 7.3: a DIGIT transformer, when present, must be nonzero.
        if (digits > 0 && parts == 0)
        {
            return false;
        }

        var reverse = p < text.Length && (text[p] == 'r' || text[p] == 'R');
        if (reverse)
        {
            p++;
        }

        var start = p;
        while (p < text.Length && Delimiters.Contains(text[p]))
        {
            p++;
        }

        if (p >= text.Length || text[p] != '}')
        {
            return false;
        }

        var delimiters = p > start ? text[start..p] : null;
        token = new MacroToken(null, lower, parts, reverse, delimiters, letter != lower);
        i = p;
        return true;
    }

    private static void AppendTransformed(StringBuilder scratch, string value, MacroToken token)
    {
        if (token.IsPlain)
        {
            AppendValue(scratch, value, token.Escape);
            return;
        }

        var parts = value.Split((token.Delimiters ?? ".").ToCharArray());
        if (token.Reverse)
        {
            Array.Reverse(parts);
        }

        var first = token.Parts == 0 ? 0 : Math.Max(0, parts.Length - token.Parts);
        for (var k = first; k < parts.Length; k++)
        {
            if (k > first)
            {
                scratch.Append('.');
            }

            AppendValue(scratch, parts[k], token.Escape);
        }
    }

    private static void AppendValue(StringBuilder scratch, string value, bool escape)
    {
        if (!escape)
        {
            scratch.Append(value);
            return;
        }

        // RFC 7208 section 7.3: upper-case letters URL-escape everything outside the RFC 3986 "unreserved" set.
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < value.Length; k++)
        {
            var c = value[k];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                scratch.Append(c);
                continue;
            }

            var length = char.IsSurrogatePair(value, k)
                ? Encoding.UTF8.GetBytes(value.AsSpan(k++, 2), utf8)
                : Encoding.UTF8.GetBytes(value.AsSpan(k, 1), utf8);
            for (var b = 0; b < length; b++)
            {
                scratch.Append('%').Append(utf8[b].ToString("X2"));
            }
        }
    }
}
