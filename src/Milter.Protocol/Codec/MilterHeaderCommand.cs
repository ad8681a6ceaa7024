namespace Milter.Protocol.Codec;

/// <summary>SMFIC_HEADER: one header field.</summary>
/// <param name="Name">The field name without the colon.</param>
/// <param name="Value">The value as sent (see <see cref="MilterCommandParser"/> for the byte-to-text mapping).</param>
public readonly record struct MilterHeaderCommand(string Name, string Value);
