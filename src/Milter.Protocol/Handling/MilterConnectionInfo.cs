using System.Net;

namespace Milter.Protocol.Handling;

/// <summary>The SMTP client as the MTA describes it in SMFIC_CONNECT.</summary>
/// <param name="HostName">The client's host name as the MTA resolved it, or its bracketed address.</param>
/// <param name="Family">The address family byte.</param>
/// <param name="Address">The client IP address; null for unix sockets and unknown families.</param>
/// <param name="Port">The client port; 0 where unknown.</param>
/// <param name="Path">For <see cref="MilterAddressFamily.Unix"/>, the socket path.</param>
public sealed record MilterConnectionInfo(string HostName, MilterAddressFamily Family, IPAddress? Address, int Port, string? Path);
