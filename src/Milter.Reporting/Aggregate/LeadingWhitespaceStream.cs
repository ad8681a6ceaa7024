namespace Milter.Reporting.Aggregate;

/// <summary>
/// A read-only view of a report stream that starts at its first non-whitespace byte. Some reporters put a blank line
/// (sometimes after a UTF-8 byte order mark) before the XML declaration, which XML forbids; dropping it keeps the
/// declared encoding in force, which reading through a <see cref="TextReader"/> would not.
/// </summary>
internal sealed class LeadingWhitespaceStream : Stream
{
    private readonly Stream _inner;
    private readonly byte[] _prefix;
    private readonly int _prefixEnd;
    private int _prefixOffset;

    private LeadingWhitespaceStream(Stream inner, byte[] prefix, int prefixOffset, int prefixEnd)
    {
        _inner = inner;
        _prefix = prefix;
        _prefixOffset = prefixOffset;
        _prefixEnd = prefixEnd;
    }

    /// <summary>
    /// Wraps <paramref name="input"/> past its leading whitespace and UTF-8 byte order mark. UTF-16 input (its byte
    /// order mark first) is passed on untouched. More than <paramref name="maxSkipped"/> bytes of whitespace throw
    /// <see cref="AggregateReportFormatException"/>, so a stream of blanks cannot be read for ever.
    /// </summary>
    public static Stream Wrap(Stream input, long maxSkipped)
    {
        var buffer = new byte[4096];
        var length = ReadAtLeast(input, buffer, 0, 3);
        var offset = 0;
        if (length >= 2 && (buffer[0] == 0xFE && buffer[1] == 0xFF || buffer[0] == 0xFF && buffer[1] == 0xFE))
        {
            return new LeadingWhitespaceStream(input, buffer, 0, length);
        }

        if (length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
        {
            offset = 3;
        }

        long skipped = 0;
        while (true)
        {
            while (offset < length && IsWhitespace(buffer[offset]))
            {
                offset++;
                if (++skipped > maxSkipped)
                {
                    throw new AggregateReportFormatException($"The document is larger than the limit of {maxSkipped} characters.");
                }
            }

            if (offset < length || length == 0)
            {
                return new LeadingWhitespaceStream(input, buffer, offset, length);
            }

            offset = 0;
            length = input.Read(buffer, 0, buffer.Length);
        }
    }

    private static int ReadAtLeast(Stream input, byte[] buffer, int offset, int minimum)
    {
        var total = offset;
        while (total < minimum)
        {
            var read = input.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixOffset < _prefixEnd)
        {
            var n = Math.Min(buffer.Length, _prefixEnd - _prefixOffset);
            _prefix.AsSpan(_prefixOffset, n).CopyTo(buffer);
            _prefixOffset += n;
            return n;
        }

        return _inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
