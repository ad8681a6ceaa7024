using Milter.Protocol;

namespace Milter.TestKit.Client;

/// <summary>The milter's answer to option negotiation (SMFIC_OPTNEG).</summary>
/// <param name="Version">The protocol version the milter speaks.</param>
/// <param name="Actions">The modification actions the milter claimed.</param>
/// <param name="ProtocolFlags">The protocol steps the milter chose (SMFIP_NO*, SMFIP_NR_*, …).</param>
/// <param name="Macros">Macro names the milter requested per stage (SMFIF_SETSYMLIST); empty when it requested none.</param>
public sealed record MilterNegotiationResult(
    uint Version,
    MilterActions Actions,
    MilterProtocolFlags ProtocolFlags,
    IReadOnlyDictionary<MacroStage, IReadOnlyList<string>> Macros)
{
    /// <summary>Largest body chunk the MTA sends under these flags (libmilter MILTER_MDS_*).</summary>
    public int MaxBodyChunk => ProtocolFlags.HasFlag(MilterProtocolFlags.MaxDataSize1M) ? (1024 * 1024) - 1
        : ProtocolFlags.HasFlag(MilterProtocolFlags.MaxDataSize256K) ? (256 * 1024) - 1
        : (64 * 1024) - 1;
}
