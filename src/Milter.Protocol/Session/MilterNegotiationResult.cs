using Milter.Protocol.Codec;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>What was agreed in option negotiation.</summary>
/// <param name="Reply">Version, actions and protocol flags sent back to the MTA.</param>
/// <param name="Macros">SETSYMLIST lists sent with the reply, or null when none are sent.</param>
public sealed record MilterNegotiationResult(MilterOptionNegotiation Reply, IReadOnlyDictionary<MacroStage, IReadOnlyList<string>>? Macros)
{
    /// <summary>True when the MTA will not wait for a reply to commands of <paramref name="stage"/> (SMFIP_NR_*).</summary>
    public bool IsNoReply(MilterStages stage) => (Reply.Protocol & MilterNegotiator.NoReplyFlag(stage)) != 0;
}
