using MimeKit;

namespace Milter.Reporting.Incoming;

/// <summary>One message read by <see cref="MailboxReader"/>, or the reason it could not be parsed.</summary>
/// <param name="Location">Where it came from: the file, <c>FILE message N</c> in an mbox, or <c>stdin</c>.</param>
/// <param name="Message">The message; null when it could not be parsed.</param>
/// <param name="Error">Why it could not be parsed; null when <paramref name="Message"/> is set.</param>
public sealed record MailboxMessage(string Location, MimeMessage? Message, string? Error)
{
    /// <summary>The location and, when the message has one, its Message-ID: how problems name the message.</summary>
    public string Describe() =>
        Message?.MessageId is { Length: > 0 } id ? $"{Location} (Message-ID <{id}>)" : Location;
}
