using Milter.Protocol.Codec;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>
/// Chooses the SMFIC_OPTNEG reply from the MTA's offer and the handler's requirements. Never claims an
/// action or flag the MTA did not offer.
/// </summary>
public static class MilterNegotiator
{
    /// <summary>Oldest MTA protocol version accepted.</summary>
    public const uint MinVersion = 2;

    /// <summary>Newest protocol version this engine speaks.</summary>
    public const uint MaxVersion = 6;

    private const int Chunk256K = (256 * 1024) - 1;
    private const int Chunk1M = (1024 * 1024) - 1;

    private static readonly MilterStages[] Stages =
    [
        MilterStages.Connect, MilterStages.Helo, MilterStages.MailFrom, MilterStages.Recipient, MilterStages.Data,
        MilterStages.Header, MilterStages.EndOfHeaders, MilterStages.Body, MilterStages.Unknown,
    ];

    /// <summary>Negotiates.</summary>
    /// <param name="offer">The MTA's SMFIC_OPTNEG.</param>
    /// <param name="requirements">The handler's needs.</param>
    /// <param name="maxPacketLength">Largest packet the session accepts; bounds the body chunk size requested (SMFIP_MDS_*).</param>
    /// <returns>
    /// Version min(offer, 6); actions = requested ∩ offered; flags = SMFIP_NO* for stages the handler does not need,
    /// SMFIP_NR_* for stages it never answers, HDR_LEADSPC, SKIP and the largest fitting MDS size, all ∩ offered;
    /// macro lists only when SETSYMLIST was offered at version 6.
    /// </returns>
    /// <exception cref="MilterProtocolException">The MTA's version is below <see cref="MinVersion"/>.</exception>
    public static MilterNegotiationResult Negotiate(MilterOptionNegotiation offer, MilterHandlerRequirements requirements, int maxPacketLength)
    {
        if (offer.Version < MinVersion)
        {
            throw new MilterProtocolException($"SMFIC_OPTNEG: MTA protocol version {offer.Version} is older than {MinVersion}.");
        }

        var version = Math.Min(offer.Version, MaxVersion);
        var needed = requirements.Stages & MilterStages.All;
        var answered = requirements.ReplyStages & needed;

        var wanted = MilterProtocolFlags.HeaderLeadingSpace | MilterProtocolFlags.Skip;
        foreach (var stage in Stages)
        {
            if ((needed & stage) == 0)
            {
                wanted |= NoSendFlag(stage);
            }

            if ((answered & stage) == 0)
            {
                // Also for unneeded stages: an MTA that lacks SMFIP_NO* for a stage may still spare the round trip.
                wanted |= NoReplyFlag(stage);
            }
        }

        if (Chunk1M + 1 <= maxPacketLength && (offer.Protocol & MilterProtocolFlags.MaxDataSize1M) != 0)
        {
            wanted |= MilterProtocolFlags.MaxDataSize1M;
        }
        else if (Chunk256K + 1 <= maxPacketLength && (offer.Protocol & MilterProtocolFlags.MaxDataSize256K) != 0)
        {
            wanted |= MilterProtocolFlags.MaxDataSize256K;
        }

        var actions = requirements.Actions & ~MilterActions.SetSymbolList;
        IReadOnlyDictionary<MacroStage, IReadOnlyList<string>>? macros = null;
        if (version >= 6 && requirements.Macros.Count > 0 && (offer.Actions & MilterActions.SetSymbolList) != 0)
        {
            actions |= MilterActions.SetSymbolList;
            macros = requirements.Macros;
        }

        var reply = new MilterOptionNegotiation(version, actions & offer.Actions, wanted & offer.Protocol);
        return new MilterNegotiationResult(reply, macros);
    }

    /// <summary>The SMFIP_NR_* flag of a single stage.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stage"/> is not exactly one stage.</exception>
    public static MilterProtocolFlags NoReplyFlag(MilterStages stage) => stage switch
    {
        MilterStages.Connect => MilterProtocolFlags.NoReplyConnect,
        MilterStages.Helo => MilterProtocolFlags.NoReplyHelo,
        MilterStages.MailFrom => MilterProtocolFlags.NoReplyMail,
        MilterStages.Recipient => MilterProtocolFlags.NoReplyRecipient,
        MilterStages.Data => MilterProtocolFlags.NoReplyData,
        MilterStages.Header => MilterProtocolFlags.NoReplyHeader,
        MilterStages.EndOfHeaders => MilterProtocolFlags.NoReplyEndOfHeaders,
        MilterStages.Body => MilterProtocolFlags.NoReplyBody,
        MilterStages.Unknown => MilterProtocolFlags.NoReplyUnknown,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Exactly one stage is required."),
    };

    /// <summary>The SMFIP_NO* flag of a single stage.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stage"/> is not exactly one stage.</exception>
    public static MilterProtocolFlags NoSendFlag(MilterStages stage) => stage switch
    {
        MilterStages.Connect => MilterProtocolFlags.NoConnect,
        MilterStages.Helo => MilterProtocolFlags.NoHelo,
        MilterStages.MailFrom => MilterProtocolFlags.NoMail,
        MilterStages.Recipient => MilterProtocolFlags.NoRecipient,
        MilterStages.Data => MilterProtocolFlags.NoData,
        MilterStages.Header => MilterProtocolFlags.NoHeaders,
        MilterStages.EndOfHeaders => MilterProtocolFlags.NoEndOfHeaders,
        MilterStages.Body => MilterProtocolFlags.NoBody,
        MilterStages.Unknown => MilterProtocolFlags.NoUnknown,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Exactly one stage is required."),
    };
}
