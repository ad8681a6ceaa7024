namespace Milter.Protocol.Handling;

/// <summary>The SMTP stages a handler can be called for; the session negotiates SMFIP_NO* for the rest.</summary>
[Flags]
public enum MilterStages
{
    None = 0,
    Connect = 1 << 0,
    Helo = 1 << 1,
    MailFrom = 1 << 2,
    Recipient = 1 << 3,
    Data = 1 << 4,
    Header = 1 << 5,
    EndOfHeaders = 1 << 6,
    Body = 1 << 7,
    Unknown = 1 << 8,
    All = Connect | Helo | MailFrom | Recipient | Data | Header | EndOfHeaders | Body | Unknown,
}
