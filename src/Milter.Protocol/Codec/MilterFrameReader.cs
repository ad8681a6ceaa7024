using System.Buffers;
using System.Buffers.Binary;

namespace Milter.Protocol.Codec;

/// <summary>Splits a byte stream from the MTA into packets. Stateless and pure: no I/O, no logging.</summary>
/// <remarks>
/// <code>
/// +--------+--------+--------+--------+---------+------------------------+
/// |        length N (uint32, big-endian)| command | data (N - 1 bytes)     |
/// +--------+--------+--------+--------+---------+------------------------+
///  0                                   4         5
/// </code>
/// </remarks>
public static class MilterFrameReader
{
    /// <summary>Size of the length prefix.</summary>
    public const int LengthPrefixSize = 4;

    /// <summary>
    /// Reads one packet from the front of <paramref name="buffer"/>. The length prefix is checked against
    /// <paramref name="maxPacketLength"/> as soon as its four bytes are available, before any payload is awaited.
    /// </summary>
    /// <param name="buffer">Unconsumed input; on success it is advanced past the packet, otherwise left unchanged.</param>
    /// <param name="maxPacketLength">Largest length prefix accepted (it counts the command byte).</param>
    /// <param name="packet">The packet; its payload is a slice of <paramref name="buffer"/>, not a copy.</param>
    /// <returns>True when a whole packet was read; false when more input is needed.</returns>
    /// <exception cref="MilterProtocolException">The length prefix is 0 or larger than <paramref name="maxPacketLength"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPacketLength"/> is less than 1.</exception>
    public static bool TryReadPacket(ref ReadOnlySequence<byte> buffer, int maxPacketLength, out MilterPacket packet)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketLength, 1);
        packet = default;
        if (buffer.Length < LengthPrefixSize)
        {
            return false;
        }

        uint length;
        var first = buffer.FirstSpan;
        if (first.Length >= LengthPrefixSize)
        {
            length = BinaryPrimitives.ReadUInt32BigEndian(first);
        }
        else
        {
            Span<byte> prefix = stackalloc byte[LengthPrefixSize];
            buffer.Slice(0, LengthPrefixSize).CopyTo(prefix);
            length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        }

        if (length == 0)
        {
            throw new MilterProtocolException("Packet length 0: every packet carries at least a command byte.");
        }

        if (length > (uint)maxPacketLength)
        {
            throw new MilterProtocolException($"Packet length {length} exceeds the limit of {maxPacketLength} bytes.");
        }

        if (buffer.Length - LengthPrefixSize < length)
        {
            return false;
        }

        var frame = buffer.Slice(LengthPrefixSize, length);
        var reader = new SequenceReader<byte>(frame);
        reader.TryRead(out var command);
        packet = new MilterPacket(command, frame.Slice(1));
        buffer = buffer.Slice(frame.End);
        return true;
    }
}
