namespace Milter.Protocol.Handling;

/// <summary>One header field as the MTA sent it.</summary>
/// <param name="Name">The field name, without the colon.</param>
/// <param name="Value">
/// The value exactly as on the wire when SMFIP_HDR_LEADSPC was negotiated (leading space and folding
/// CRLFs kept); otherwise as the MTA passed it, with the first space after the colon removed.
/// </param>
public sealed record MilterHeader(string Name, string Value);
