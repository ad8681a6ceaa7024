using System.Text;

namespace Milter.TestKit.Postfix;

/// <summary>One message as the <see cref="SmtpSink"/> received it.</summary>
/// <param name="Helo">The EHLO/HELO argument of the delivering client.</param>
/// <param name="Sender">The MAIL FROM path without angle brackets; empty for the null sender.</param>
/// <param name="Recipients">The RCPT TO paths without angle brackets, in order.</param>
/// <param name="Data">The message bytes with dot-stuffing removed, up to and including the CRLF before the final <c>.</c>.</param>
public sealed record SmtpSinkMessage(string Helo, string Sender, IReadOnlyList<string> Recipients, byte[] Data)
{
    /// <summary>The message decoded as UTF-8, for assertions on text.</summary>
    public string Text => Encoding.UTF8.GetString(Data);

    /// <summary>The header block as raw lines (folded lines stay separate), up to the empty line.</summary>
    public IReadOnlyList<string> HeaderLines =>
        Text.Split("\r\n").TakeWhile(line => line.Length > 0).ToList();
}
