namespace Milter.Protocol;

/// <summary>Protocol steps negotiated in SMFIC_OPTNEG (libmilter SMFIP_*).</summary>
[Flags]
public enum MilterProtocolFlags : uint
{
    None = 0,
    /// <summary>SMFIP_NOCONNECT: do not send SMFIC_CONNECT.</summary>
    NoConnect = 0x1,
    /// <summary>SMFIP_NOHELO.</summary>
    NoHelo = 0x2,
    /// <summary>SMFIP_NOMAIL.</summary>
    NoMail = 0x4,
    /// <summary>SMFIP_NORCPT.</summary>
    NoRecipient = 0x8,
    /// <summary>SMFIP_NOBODY.</summary>
    NoBody = 0x10,
    /// <summary>SMFIP_NOHDRS.</summary>
    NoHeaders = 0x20,
    /// <summary>SMFIP_NOEOH.</summary>
    NoEndOfHeaders = 0x40,
    /// <summary>SMFIP_NR_HDR: no reply to SMFIC_HEADER.</summary>
    NoReplyHeader = 0x80,
    /// <summary>SMFIP_NOUNKNOWN.</summary>
    NoUnknown = 0x100,
    /// <summary>SMFIP_NODATA.</summary>
    NoData = 0x200,
    /// <summary>SMFIP_SKIP: the MTA understands SMFIR_SKIP.</summary>
    Skip = 0x400,
    /// <summary>SMFIP_RCPT_REJ: also send rejected recipients.</summary>
    RecipientRejected = 0x800,
    /// <summary>SMFIP_NR_CONN.</summary>
    NoReplyConnect = 0x1000,
    /// <summary>SMFIP_NR_HELO.</summary>
    NoReplyHelo = 0x2000,
    /// <summary>SMFIP_NR_MAIL.</summary>
    NoReplyMail = 0x4000,
    /// <summary>SMFIP_NR_RCPT.</summary>
    NoReplyRecipient = 0x8000,
    /// <summary>SMFIP_NR_DATA.</summary>
    NoReplyData = 0x10000,
    /// <summary>SMFIP_NR_UNKN.</summary>
    NoReplyUnknown = 0x20000,
    /// <summary>SMFIP_NR_EOH.</summary>
    NoReplyEndOfHeaders = 0x40000,
    /// <summary>SMFIP_NR_BODY.</summary>
    NoReplyBody = 0x80000,
    /// <summary>SMFIP_HDR_LEADSPC: header values keep their leading space.</summary>
    HeaderLeadingSpace = 0x100000,
    /// <summary>SMFIP_MDS_256K: body chunks up to 256 KiB.</summary>
    MaxDataSize256K = 0x10000000,
    /// <summary>SMFIP_MDS_1M: body chunks up to 1 MiB.</summary>
    MaxDataSize1M = 0x20000000,
}
