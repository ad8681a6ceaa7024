using System.Text;

namespace Milter.Benchmarks;

/// <summary>Test messages of a chosen size: the given header block and numbered CRLF lines of text.</summary>
internal static class GeneratedMessage
{
    /// <summary>
    /// <paramref name="headers"/> (CRLF lines, ending with the empty line) followed by a body of at most
    /// <paramref name="bodySize"/> bytes of whole CRLF lines.
    /// </summary>
    public static byte[] Create(string headers, int bodySize)
    {
        var header = Encoding.ASCII.GetBytes(headers);
        var message = new byte[header.Length + bodySize];
        header.CopyTo(message, 0);
        var position = header.Length;
        for (var line = 1; ; line++)
        {
            var text = $"Line {line:D8} of a generated body: the quick brown fox jumps over the lazy dog.\r\n";
            if (position + text.Length > message.Length)
            {
                return message[..position];
            }

            position += Encoding.ASCII.GetBytes(text, message.AsSpan(position));
        }
    }
}
