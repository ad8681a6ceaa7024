using Milter.Protocol;

namespace Milter.TestKit.Client;

/// <summary>How one message sent with <see cref="MilterClient.SendMessageAsync"/> ended.</summary>
/// <param name="LastCommand">The command whose reply ended the transaction (<see cref="MilterCommandCode.EndOfBody"/> when it ran to the end).</param>
/// <param name="Reply">That reply: a refusal or accept at an earlier stage, or the final end-of-message verdict.</param>
/// <param name="EndOfMessage">The end-of-message answer with its modifications; null when an earlier stage ended the transaction.</param>
public sealed record MilterTransactionResult(MilterCommandCode LastCommand, MilterClientReply Reply, MilterClientEomResult? EndOfMessage);
