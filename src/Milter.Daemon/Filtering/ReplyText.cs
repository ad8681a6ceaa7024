using System.Text;

namespace Milter.Daemon.Filtering;

/// <summary>SMTP reply and quarantine texts built from what senders control (DNS explanations, From headers).</summary>
internal static class ReplyText
{
    private const int MaxLength = 400;

    /// <summary>One line of printable ASCII, at most 400 characters: anything else becomes '?'.</summary>
    public static string Printable(string text)
    {
        var length = Math.Min(text.Length, MaxLength);
        var builder = new StringBuilder(length);
        foreach (var c in text.AsSpan(0, length))
        {
            builder.Append(c is >= ' ' and < (char)127 ? c : '?');
        }

        return builder.ToString();
    }
}
