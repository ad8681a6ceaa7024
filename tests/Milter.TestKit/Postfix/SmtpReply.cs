using System.Text.RegularExpressions;

namespace Milter.TestKit.Postfix;

/// <summary>One SMTP reply as the client read it.</summary>
/// <param name="Code">The three-digit reply code.</param>
/// <param name="Lines">The reply lines without CRLF, code included (<c>250-PIPELINING</c>, <c>250 CHUNKING</c>).</param>
/// <param name="RoundTrip">
/// From the write that carried the command (for message data: the terminating <c>.</c> line) to the last reply line.
/// </param>
public sealed partial record SmtpReply(int Code, IReadOnlyList<string> Lines, TimeSpan RoundTrip)
{
    /// <summary>The text after the code of every line, joined with LF (<c>5.7.1 custom text</c>).</summary>
    public string Text => string.Join('\n', Lines.Select(line => line.Length > 4 ? line[4..] : string.Empty));

    /// <summary>True for 2xx and 3xx replies.</summary>
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>The queue id of Postfix's <c>250 2.0.0 Ok: queued as ID</c>; null for other replies.</summary>
    public string? PostfixQueueId => QueuedAs().Match(Text) is { Success: true } match ? match.Groups[1].Value : null;

    /// <inheritdoc />
    public override string ToString() => string.Join(" | ", Lines);

    [GeneratedRegex(@"queued as ([0-9A-Za-z]+)")]
    private static partial Regex QueuedAs();
}
