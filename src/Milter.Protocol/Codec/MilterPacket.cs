using System.Buffers;

namespace Milter.Protocol.Codec;

/// <summary>One framed packet: the command byte and its data, a slice of the read buffer (valid until the buffer is advanced).</summary>
/// <param name="Command">The command byte (SMFIC_*); see <see cref="MilterCommandCode"/>.</param>
/// <param name="Payload">The bytes after the command byte.</param>
public readonly record struct MilterPacket(byte Command, ReadOnlySequence<byte> Payload)
{
    /// <summary>The command byte as a printable character for logs and error messages.</summary>
    public char CommandChar => (char)Command;
}
