namespace Milter.Protocol.Handling;

/// <summary>What the MTA is told to do at a stage.</summary>
public enum MilterDecisionKind
{
    /// <summary>SMFIR_CONTINUE: go on.</summary>
    Continue,
    /// <summary>SMFIR_ACCEPT: accept without further milter calls for this message.</summary>
    Accept,
    /// <summary>SMFIR_REJECT: permanent rejection with the MTA's default text.</summary>
    Reject,
    /// <summary>SMFIR_TEMPFAIL: temporary rejection.</summary>
    Tempfail,
    /// <summary>SMFIR_DISCARD: accept and silently drop.</summary>
    Discard,
    /// <summary>SMFIR_REPLYCODE: reject with a custom SMTP reply.</summary>
    Reply,
    /// <summary>SMFIR_SKIP: no more body chunks are needed (falls back to continue without SMFIP_SKIP).</summary>
    Skip,
}
