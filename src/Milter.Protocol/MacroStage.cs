namespace Milter.Protocol;

/// <summary>The stage a SETSYMLIST macro list applies to (libmilter SMFIM_*).</summary>
public enum MacroStage : uint
{
    /// <summary>SMFIM_CONNECT.</summary>
    Connect = 0,
    /// <summary>SMFIM_HELO.</summary>
    Helo = 1,
    /// <summary>SMFIM_ENVFROM.</summary>
    MailFrom = 2,
    /// <summary>SMFIM_ENVRCPT.</summary>
    Recipient = 3,
    /// <summary>SMFIM_DATA.</summary>
    Data = 4,
    /// <summary>SMFIM_EOM.</summary>
    EndOfMessage = 5,
    /// <summary>SMFIM_EOH.</summary>
    EndOfHeaders = 6,
}
