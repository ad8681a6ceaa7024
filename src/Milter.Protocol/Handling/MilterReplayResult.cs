namespace Milter.Protocol.Handling;

/// <summary>How a replayed transaction ended.</summary>
/// <param name="RefusedAt">The stage whose non-continue decision ended the transaction early; null when it reached end of message.</param>
/// <param name="Decision">That decision, or the end-of-message decision.</param>
/// <param name="EndOfMessage">The end-of-message result with its header changes; null when refused earlier.</param>
public sealed record MilterReplayResult(MilterStages? RefusedAt, MilterDecision Decision, MilterMessageResult? EndOfMessage);
