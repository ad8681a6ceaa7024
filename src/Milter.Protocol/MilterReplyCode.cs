namespace Milter.Protocol;

/// <summary>Reply bytes sent by the milter (libmilter SMFIR_*).</summary>
public enum MilterReplyCode : byte
{
    /// <summary>SMFIR_ADDRCPT.</summary>
    AddRecipient = (byte)'+',
    /// <summary>SMFIR_DELRCPT.</summary>
    DeleteRecipient = (byte)'-',
    /// <summary>SMFIR_ADDRCPT_PAR.</summary>
    AddRecipientWithParameters = (byte)'2',
    /// <summary>SMFIR_SHUTDOWN.</summary>
    Shutdown = (byte)'4',
    /// <summary>SMFIR_ACCEPT.</summary>
    Accept = (byte)'a',
    /// <summary>SMFIR_REPLBODY.</summary>
    ReplaceBody = (byte)'b',
    /// <summary>SMFIR_CONTINUE.</summary>
    Continue = (byte)'c',
    /// <summary>SMFIR_DISCARD.</summary>
    Discard = (byte)'d',
    /// <summary>SMFIR_CHGFROM.</summary>
    ChangeFrom = (byte)'e',
    /// <summary>SMFIR_CONN_FAIL.</summary>
    ConnectionFailure = (byte)'f',
    /// <summary>SMFIR_ADDHEADER.</summary>
    AddHeader = (byte)'h',
    /// <summary>SMFIR_INSHEADER.</summary>
    InsertHeader = (byte)'i',
    /// <summary>SMFIR_SETSYMLIST.</summary>
    SetSymbolList = (byte)'l',
    /// <summary>SMFIR_CHGHEADER.</summary>
    ChangeHeader = (byte)'m',
    /// <summary>SMFIR_PROGRESS.</summary>
    Progress = (byte)'p',
    /// <summary>SMFIR_QUARANTINE.</summary>
    Quarantine = (byte)'q',
    /// <summary>SMFIR_REJECT.</summary>
    Reject = (byte)'r',
    /// <summary>SMFIR_SKIP.</summary>
    Skip = (byte)'s',
    /// <summary>SMFIR_TEMPFAIL.</summary>
    Tempfail = (byte)'t',
    /// <summary>SMFIR_REPLYCODE.</summary>
    ReplyCode = (byte)'y',
    /// <summary>SMFIC_OPTNEG echoed as the negotiation reply.</summary>
    OptionNegotiation = (byte)'O',
}
