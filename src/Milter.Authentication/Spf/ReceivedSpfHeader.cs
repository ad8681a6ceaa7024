using System.Text;

namespace Milter.Authentication.Spf;

/// <summary>Formats the value of a <c>Received-SPF</c> header field (RFC 7208 section 9.1).</summary>
public static class ReceivedSpfHeader
{
    /// <summary>The header field name.</summary>
    public const string FieldName = "Received-SPF";

    /// <summary>
    /// The field value, unfolded and without CRLF: the result, a comment, then the key-value pairs client-ip,
    /// envelope-from (when the reverse-path was not null), helo, receiver, identity, mechanism (when one
    /// matched) and problem (for errors). Control characters in the inputs become '?', so that no value
    /// can break the header.
    /// </summary>
    /// <param name="evaluation">The evaluation to report.</param>
    /// <param name="receiver">The host name of this receiver.</param>
    /// <exception cref="ArgumentNullException"><paramref name="evaluation"/> or <paramref name="receiver"/> is null.</exception>
    public static string Format(SpfEvaluation evaluation, string receiver)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(receiver);
        var client = evaluation.ClientAddress.ToString();
        var builder = new StringBuilder(256);
        builder.Append(Keyword(evaluation.Result)).Append(" (");
        AppendCommentText(builder, receiver);
        builder.Append(": ");
        AppendCommentText(builder, Comment(evaluation, client));
        builder.Append(')');
        AppendPair(builder, "client-ip", client);
        if (evaluation.EnvelopeFrom is { } envelopeFrom)
        {
            AppendPair(builder, "envelope-from", envelopeFrom);
        }

        AppendPair(builder, "helo", evaluation.Helo);
        AppendPair(builder, "receiver", receiver);
        AppendPair(builder, "identity", evaluation.Identity == SpfIdentity.Helo ? "helo" : "mailfrom");
        if (evaluation.Mechanism is { } mechanism)
        {
            AppendPair(builder, "mechanism", mechanism);
        }

        if (evaluation.Problem is { } problem)
        {
            AppendPair(builder, "problem", problem);
        }

        builder.Append(';');
        return builder.ToString();
    }

    /// <summary>The result keyword of RFC 7208 section 2.6 (e.g. "softfail").</summary>
    /// <param name="result">The result.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="result"/> is not a defined value.</exception>
    public static string Keyword(SpfResult result) => result switch
    {
        SpfResult.None => "none",
        SpfResult.Neutral => "neutral",
        SpfResult.Pass => "pass",
        SpfResult.Fail => "fail",
        SpfResult.SoftFail => "softfail",
        SpfResult.TempError => "temperror",
        SpfResult.PermError => "permerror",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Not an SPF result."),
    };

    private static string Comment(SpfEvaluation evaluation, string client) => evaluation.Result switch
    {
        SpfResult.Pass => $"domain of {evaluation.Sender} designates {client} as permitted sender",
        SpfResult.Fail => $"domain of {evaluation.Sender} does not designate {client} as permitted sender",
        SpfResult.SoftFail => $"domain of transitioning {evaluation.Sender} does not designate {client} as permitted sender",
        SpfResult.Neutral => $"{client} is neither permitted nor denied by domain of {evaluation.Sender}",
        SpfResult.None => $"domain of {evaluation.Sender} does not designate permitted sender hosts",
        SpfResult.TempError => $"temporary error in processing during lookup of {evaluation.Sender}",
        _ => $"permanent error in processing domain of {evaluation.Sender}",
    };

    // "; key=value": a dot-atom where the value is one, else a quoted-string.
    private static void AppendPair(StringBuilder builder, string key, string value)
    {
        builder.Append(builder[^1] == ')' ? " " : "; ").Append(key).Append('=');
        if (IsDotAtom(value))
        {
            builder.Append(value);
            return;
        }

        builder.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        builder.Append('"');
    }

    private static void AppendCommentText(StringBuilder builder, string text)
    {
        foreach (var c in text)
        {
            if (c is '(' or ')' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }
    }

    private static bool IsDotAtom(string value)
    {
        if (value.Length == 0 || value[0] == '.' || value[^1] == '.' || value.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-/=?^_`{|}~.".Contains(c))
            {
                return false;
            }
        }

        return true;
    }
}
