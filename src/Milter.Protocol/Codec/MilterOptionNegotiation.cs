namespace Milter.Protocol.Codec;

/// <summary>The three fields of SMFIC_OPTNEG, as offered by the MTA or chosen by the milter.</summary>
/// <param name="Version">Protocol version.</param>
/// <param name="Actions">Actions offered (MTA) or claimed (milter).</param>
/// <param name="Protocol">Protocol flags offered (MTA) or requested (milter).</param>
public readonly record struct MilterOptionNegotiation(uint Version, MilterActions Actions, MilterProtocolFlags Protocol);
