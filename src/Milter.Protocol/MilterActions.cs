namespace Milter.Protocol;

/// <summary>Actions a milter may take, negotiated in SMFIC_OPTNEG (libmilter SMFIF_*).</summary>
[Flags]
public enum MilterActions : uint
{
    None = 0,
    /// <summary>SMFIF_ADDHDRS: add headers.</summary>
    AddHeaders = 0x01,
    /// <summary>SMFIF_CHGBODY: replace the body.</summary>
    ChangeBody = 0x02,
    /// <summary>SMFIF_ADDRCPT: add recipients.</summary>
    AddRecipient = 0x04,
    /// <summary>SMFIF_DELRCPT: remove recipients.</summary>
    DeleteRecipient = 0x08,
    /// <summary>SMFIF_CHGHDRS: change or delete headers.</summary>
    ChangeHeaders = 0x10,
    /// <summary>SMFIF_QUARANTINE: quarantine the message.</summary>
    Quarantine = 0x20,
    /// <summary>SMFIF_CHGFROM: change the envelope sender (v6).</summary>
    ChangeFrom = 0x40,
    /// <summary>SMFIF_ADDRCPT_PAR: add recipients with ESMTP arguments (v6).</summary>
    AddRecipientWithParameters = 0x80,
    /// <summary>SMFIF_SETSYMLIST: request a macro list per stage (v6).</summary>
    SetSymbolList = 0x100,
}
