using Milter.Protocol;

namespace Milter.TestKit.Client;

/// <summary>The milter's answer to one stage command, as the MTA sees it.</summary>
/// <param name="Code">
/// The reply byte: <see cref="MilterReplyCode.Continue"/>, <see cref="MilterReplyCode.Accept"/>,
/// <see cref="MilterReplyCode.Reject"/>, <see cref="MilterReplyCode.Tempfail"/>, <see cref="MilterReplyCode.Discard"/>,
/// <see cref="MilterReplyCode.ReplyCode"/>, <see cref="MilterReplyCode.Skip"/>,
/// <see cref="MilterReplyCode.ConnectionFailure"/> or <see cref="MilterReplyCode.Shutdown"/>.
/// </param>
/// <param name="Text">For <see cref="MilterReplyCode.ReplyCode"/>: the SMTP reply text, e.g. <c>550 5.7.1 go away</c>.</param>
/// <param name="FromMilter">
/// False when the client did not wait for a reply: the command was not sent (SMFIP_NO*) or the
/// milter negotiated "no reply" for it (SMFIP_NR_*). Such replies are always continue.
/// </param>
public sealed record MilterClientReply(MilterReplyCode Code, string? Text, bool FromMilter)
{
    /// <summary>The implicit continue of a command that was not sent or not answered.</summary>
    public static MilterClientReply NotAwaited { get; } = new(MilterReplyCode.Continue, null, false);

    /// <summary>True when the MTA goes on with the transaction (continue, or skip of further body chunks).</summary>
    public bool IsContinue => Code is MilterReplyCode.Continue or MilterReplyCode.Skip;

    /// <summary>True for reject, tempfail, a custom reply code, discard, connection failure and shutdown.</summary>
    public bool IsRefusal => Code is MilterReplyCode.Reject or MilterReplyCode.Tempfail or MilterReplyCode.ReplyCode
        or MilterReplyCode.Discard or MilterReplyCode.ConnectionFailure or MilterReplyCode.Shutdown;

    /// <inheritdoc />
    public override string ToString() => Text is null ? ((char)Code).ToString() : $"{(char)Code} {Text}";
}
