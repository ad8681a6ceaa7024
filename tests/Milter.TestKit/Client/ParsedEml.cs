using System.Text;

namespace Milter.TestKit.Client;

/// <summary>
/// An .eml file split the way an MTA hands it to a milter: header fields with their raw values
/// (text after the colon, leading space and folding CRLFs kept) and the body with CRLF line endings.
/// </summary>
public sealed class ParsedEml
{
    private ParsedEml(IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body)
    {
        Headers = headers;
        Body = body;
    }

    /// <summary>Header fields in file order; values are the raw text after the colon without the final CRLF.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body after the blank line, with every line ending converted to CRLF.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Reads and parses an .eml file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ParsedEml Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>
    /// Parses message bytes. Bare LF line endings become CRLF. Like Postfix, the header section ends
    /// at the first empty line or at the first line that is neither a header field nor a continuation;
    /// such a line starts the body. Header bytes are decoded as UTF-8 (RFC 6532).
    /// </summary>
    public static ParsedEml Parse(ReadOnlySpan<byte> message)
    {
        var normalized = ToCrlf(message);
        var headers = new List<KeyValuePair<string, string>>();
        var position = 0;
        int? currentStart = null;
        var currentColon = 0;

        while (position < normalized.Length)
        {
            var lineEnd = normalized.AsSpan(position).IndexOf("\r\n"u8);
            var lineLength = lineEnd < 0 ? normalized.Length - position : lineEnd;
            var line = normalized.AsSpan(position, lineLength);
            var isContinuation = line.Length > 0 && (line[0] == (byte)' ' || line[0] == (byte)'\t') && currentStart is not null;
            var colon = line.IndexOf((byte)':');
            var isField = colon > 0 && IsFieldName(line[..colon]);

            if (!isContinuation)
            {
                if (currentStart is { } start)
                {
                    headers.Add(MakeHeader(normalized, start, currentColon, position - 2));
                    currentStart = null;
                }

                if (!isField)
                {
                    // The blank separator line belongs to neither part; a non-header line is body text.
                    if (line.Length == 0)
                    {
                        position += Math.Min(lineLength + 2, normalized.Length - position);
                    }

                    break;
                }

                currentStart = position;
                currentColon = position + colon;
            }

            position += lineEnd < 0 ? lineLength : lineLength + 2;
        }

        if (currentStart is { } last)
        {
            var end = position >= 2 && normalized.AsSpan(position - 2, 2).SequenceEqual("\r\n"u8) ? position - 2 : position;
            headers.Add(MakeHeader(normalized, last, currentColon, end));
        }

        return new ParsedEml(headers, normalized[Math.Min(position, normalized.Length)..]);
    }

    private static KeyValuePair<string, string> MakeHeader(byte[] message, int start, int colon, int end)
    {
        var name = Encoding.UTF8.GetString(message, start, colon - start).TrimEnd(' ', '\t');
        var value = Encoding.UTF8.GetString(message, colon + 1, Math.Max(0, end - colon - 1));
        return new KeyValuePair<string, string>(name, value);
    }

    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        // RFC 5322 ftext is printable ASCII except colon; trailing white space before the colon is tolerated (obs-header).
        var trimmed = name.TrimEnd(" \t"u8);
        if (trimmed.Length == 0)
        {
            return false;
        }

        foreach (var b in trimmed)
        {
            if (b < 33 || b > 126)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] ToCrlf(ReadOnlySpan<byte> message)
    {
        var bareLineFeeds = 0;
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
            {
                bareLineFeeds++;
            }
        }

        var result = new byte[message.Length + bareLineFeeds];
        var written = 0;
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
            {
                result[written++] = (byte)'\r';
            }

            result[written++] = message[i];
        }

        return result;
    }
}
