using System.Buffers.Binary;
using System.Text;

namespace Milter.TestKit.Client;

/// <summary>
/// Encodes MTA → milter packets into one growable buffer so that every command up to the next
/// awaited reply leaves in a single write. Deliberately independent of the server's codec.
/// </summary>
/// <remarks>
/// Packet layout: <c>uint32 length (big-endian, counts the command byte) | command byte | data</c>.
/// </remarks>
internal sealed class MilterPacketWriter
{
    private const int LengthPrefixSize = 4;

    private readonly int _maxBufferedBytes;
    private byte[] _buffer = new byte[8192];
    private int _length;
    private int _packetStart = -1;

    /// <param name="maxBufferedBytes">Upper bound of the buffer; a packet that would exceed it is refused.</param>
    public MilterPacketWriter(int maxBufferedBytes)
    {
        _maxBufferedBytes = maxBufferedBytes;
    }

    /// <summary>Bytes waiting to be written.</summary>
    public int BufferedLength => _length;

    public void BeginPacket(byte command)
    {
        if (_packetStart >= 0)
        {
            throw new InvalidOperationException("The previous packet was not ended.");
        }

        _packetStart = _length;
        Reserve(LengthPrefixSize + 1);
        _length += LengthPrefixSize;
        _buffer[_length++] = command;
    }

    public void EndPacket()
    {
        var dataLength = _length - _packetStart - LengthPrefixSize;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_packetStart), (uint)dataLength);
        _packetStart = -1;
    }

    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Reserve(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Reserve(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 followed by NUL.</summary>
    /// <exception cref="ArgumentException">The value contains a NUL, which would corrupt the framing.</exception>
    public void WriteCString(string value)
    {
        if (value.Contains('\0'))
        {
            throw new ArgumentException("Milter strings cannot contain NUL characters.", nameof(value));
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        Reserve(byteCount + 1);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        _buffer[_length++] = 0;
    }

    /// <summary>Drops a packet that failed half-way (for instance on a NUL in a string).</summary>
    public void CancelPacket()
    {
        if (_packetStart >= 0)
        {
            _length = _packetStart;
            _packetStart = -1;
        }
    }

    public async ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _length = 0;
    }

    private void Reserve(int count)
    {
        var required = _length + count;
        if (required <= _buffer.Length)
        {
            return;
        }

        if (required > _maxBufferedBytes)
        {
            throw new InvalidOperationException($"Buffered milter packets would exceed {_maxBufferedBytes} bytes.");
        }

        Array.Resize(ref _buffer, Math.Min(Math.Max(required, _buffer.Length * 2), _maxBufferedBytes));
    }
}
