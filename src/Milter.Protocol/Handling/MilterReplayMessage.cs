using System.Net;

namespace Milter.Protocol.Handling;

/// <summary>One SMTP transaction to replay through a handler without an MTA (see <see cref="MilterReplay"/>).</summary>
/// <param name="ClientAddress">The SMTP client's address.</param>
/// <param name="ClientName">The client's host name as an MTA would have resolved it, or its bracketed address.</param>
/// <param name="Helo">The HELO/EHLO argument.</param>
/// <param name="Sender">The MAIL FROM address without angle brackets; empty for the null sender.</param>
/// <param name="Recipients">The RCPT TO addresses without angle brackets.</param>
/// <param name="Message">The message as received: header, blank line, body; LF or CRLF line ends.</param>
public sealed record MilterReplayMessage(
    IPAddress ClientAddress,
    string ClientName,
    string Helo,
    string Sender,
    IReadOnlyList<string> Recipients,
    ReadOnlyMemory<byte> Message);
