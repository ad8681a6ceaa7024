namespace Milter.TestKit.Client;

/// <summary>The SMTP envelope of one message for <see cref="MilterClient.SendMessageAsync"/>.</summary>
/// <param name="Sender">MAIL FROM with angle brackets, e.g. <c>&lt;alice@example.org&gt;</c>; <c>&lt;&gt;</c> is the null sender.</param>
/// <param name="Recipients">RCPT TO addresses with angle brackets.</param>
/// <param name="MailArguments">ESMTP arguments of MAIL FROM, e.g. <c>SIZE=4096</c>.</param>
public sealed record MilterEnvelope(string Sender, IReadOnlyList<string> Recipients, IReadOnlyList<string> MailArguments)
{
    /// <summary>An envelope without ESMTP arguments.</summary>
    public MilterEnvelope(string sender, params string[] recipients)
        : this(sender, recipients, [])
    {
    }
}
