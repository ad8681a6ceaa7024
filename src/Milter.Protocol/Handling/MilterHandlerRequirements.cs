namespace Milter.Protocol.Handling;

/// <summary>What a handler needs from the MTA; the session intersects it with what the MTA offers.</summary>
/// <param name="Stages">Stages whose callbacks must be invoked.</param>
/// <param name="ReplyStages">
/// Stages at which the handler may return something other than continue. Every other stage is
/// negotiated as "no reply" (SMFIP_NR_*) when the MTA offers it, saving a round trip.
/// </param>
/// <param name="Actions">Modifications the handler may make at end of message (SMFIF_*).</param>
/// <param name="Macros">Macro names requested per stage with SMFIF_SETSYMLIST.</param>
public sealed record MilterHandlerRequirements(
    MilterStages Stages,
    MilterStages ReplyStages,
    MilterActions Actions,
    IReadOnlyDictionary<MacroStage, IReadOnlyList<string>> Macros);
