using System.Text;

namespace Milter.Authentication.Results;

/// <summary>Writes Authentication-Results values and reads the authserv-id of existing ones (RFC 8601).</summary>
public static class AuthenticationResultsHeader
{
    /// <summary>The field name.</summary>
    public const string FieldName = "Authentication-Results";

    /// <summary>
    /// The field value for <paramref name="results"/> under <paramref name="authservId"/>;
    /// <c>authserv-id; none</c> when no method produced a result.
    /// </summary>
    /// <remarks>
    /// One line: Postfix splits added values only at bare LF and Sendmail mangles multi-line values, so folding
    /// is left to no one rather than done two ways.
    /// </remarks>
    public static string Format(string authservId, IReadOnlyList<AuthenticationMethodResult> results)
    {
        if (results.Count == 0)
        {
            return authservId + "; none";
        }

        var text = new StringBuilder(authservId);
        foreach (var result in results)
        {
            text.Append("; ").Append(result.Method).Append('=').Append(result.Result);
            if (result.Comment is { } comment)
            {
                text.Append(" (").Append(EscapeComment(comment)).Append(')');
            }

            if (result.Reason is { } reason)
            {
                text.Append(" reason=").Append(QuoteIfNeeded(reason));
            }

            foreach (var (property, value) in result.Properties)
            {
                text.Append(' ').Append(property).Append('=').Append(QuoteIfNeeded(value));
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The authserv-id of an existing header value (leading comments and folding skipped, a quoted id unquoted),
    /// or null when the value has none, as in headers some broken MTAs write.
    /// </summary>
    public static string? ReadAuthservId(string value)
    {
        var i = SkipCommentsAndSpace(value, 0);
        if (i >= value.Length || value[i] == ';')
        {
            return null;
        }

        if (value[i] == '"')
        {
            var quoted = new StringBuilder();
            for (i++; i < value.Length && value[i] != '"'; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    i++;
                }

                quoted.Append(value[i]);
            }

            return i < value.Length ? quoted.ToString() : null;
        }

        var start = i;
        while (i < value.Length && value[i] is not (';' or '(' or ' ' or '\t' or '\r' or '\n'))
        {
            i++;
        }

        return value[start..i];
    }

    private static int SkipCommentsAndSpace(string value, int i)
    {
        var depth = 0;
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && depth > 0)
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0 && c is not (' ' or '\t' or '\r' or '\n'))
            {
                return i;
            }
        }

        return i;
    }

    private static string EscapeComment(string comment) =>
        comment.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)").Replace("\r", string.Empty).Replace("\n", " ");

    // RFC 8601 values are RFC 2045 tokens or quoted strings; an address with '@' is allowed bare as a pvalue.
    private static string QuoteIfNeeded(string value)
    {
        foreach (var c in value)
        {
            if (c <= ' ' || c >= 127 || "()<>,;:\\\"[]?=".Contains(c))
            {
                return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            }
        }

        return value.Length == 0 ? "\"\"" : value;
    }
}
