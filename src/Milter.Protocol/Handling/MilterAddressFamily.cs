namespace Milter.Protocol.Handling;

/// <summary>The address family of SMFIC_CONNECT (SMFIA_*).</summary>
public enum MilterAddressFamily : byte
{
    /// <summary>SMFIA_UNKNOWN 'U'.</summary>
    Unknown = (byte)'U',
    /// <summary>SMFIA_UNIX 'L'.</summary>
    Unix = (byte)'L',
    /// <summary>SMFIA_INET '4'.</summary>
    Inet = (byte)'4',
    /// <summary>SMFIA_INET6 '6'.</summary>
    Inet6 = (byte)'6',
}
