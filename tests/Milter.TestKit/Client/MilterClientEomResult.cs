namespace Milter.TestKit.Client;

/// <summary>What the milter answered to end of message.</summary>
/// <param name="Modifications">Modification requests in the order received.</param>
/// <param name="ProgressCount">How many SMFIR_PROGRESS keep-alives arrived before the final reply.</param>
/// <param name="Reply">The final verdict.</param>
public sealed record MilterClientEomResult(IReadOnlyList<MilterClientModification> Modifications, int ProgressCount, MilterClientReply Reply);
