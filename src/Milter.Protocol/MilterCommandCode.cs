namespace Milter.Protocol;

/// <summary>Command bytes sent by the MTA (libmilter SMFIC_*).</summary>
public enum MilterCommandCode : byte
{
    /// <summary>SMFIC_ABORT.</summary>
    Abort = (byte)'A',
    /// <summary>SMFIC_BODY.</summary>
    Body = (byte)'B',
    /// <summary>SMFIC_CONNECT.</summary>
    Connect = (byte)'C',
    /// <summary>SMFIC_MACRO.</summary>
    Macro = (byte)'D',
    /// <summary>SMFIC_BODYEOB.</summary>
    EndOfBody = (byte)'E',
    /// <summary>SMFIC_HELO.</summary>
    Helo = (byte)'H',
    /// <summary>SMFIC_QUIT_NC (v6): SMTP session over, milter connection stays.</summary>
    QuitNewConnection = (byte)'K',
    /// <summary>SMFIC_HEADER.</summary>
    Header = (byte)'L',
    /// <summary>SMFIC_MAIL.</summary>
    Mail = (byte)'M',
    /// <summary>SMFIC_EOH.</summary>
    EndOfHeaders = (byte)'N',
    /// <summary>SMFIC_OPTNEG.</summary>
    OptionNegotiation = (byte)'O',
    /// <summary>SMFIC_QUIT.</summary>
    Quit = (byte)'Q',
    /// <summary>SMFIC_RCPT.</summary>
    Recipient = (byte)'R',
    /// <summary>SMFIC_DATA (v4+).</summary>
    Data = (byte)'T',
    /// <summary>SMFIC_UNKNOWN (v3+).</summary>
    Unknown = (byte)'U',
}
