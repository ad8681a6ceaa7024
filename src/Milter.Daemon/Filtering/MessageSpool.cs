using System.Buffers;
using System.Text;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>
/// The message as it was on the wire, rebuilt from the milter's header and body commands for the checks that hash
/// it (DKIM, ARC): each header as <c>Name:value</c> with CRLF line ends, a blank line, then the body bytes. Kept in
/// memory up to a threshold, then in a temporary file, so one connection's memory stays bounded whatever the size.
/// </summary>
/// <remarks>
/// Postfix passes folded header lines with LF only (it stores lines without CR) and the value exactly as written
/// after the colon (SMFIP_HDR_LEADSPC); both are restored here. The body arrives with CRLF already.
/// </remarks>
internal sealed class MessageSpool : IDisposable
{
    private readonly int _memoryThreshold;
    private readonly string _directory;
    private Stream? _stream;

    /// <param name="memoryThreshold">Bytes kept in memory before the message moves to a file.</param>
    /// <param name="directory">Where the temporary file goes.</param>
    public MessageSpool(int memoryThreshold, string directory)
    {
        _memoryThreshold = memoryThreshold;
        _directory = directory;
    }

    /// <summary>Bytes written so far.</summary>
    public long Length => _stream?.Length ?? 0;

    /// <summary>True once the message outgrew memory.</summary>
    public bool IsOnDisk => _stream is FileStream;

    /// <summary>Appends one header field.</summary>
    public void AddHeader(MilterHeader header)
    {
        var value = header.Value;
        var text = new StringBuilder(header.Name.Length + value.Length + 8).Append(header.Name).Append(':');
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r'))
            {
                text.Append('\r');
            }

            text.Append(value[i]);
        }

        text.Append("\r\n");
        Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Appends the blank line between header and body.</summary>
    public void EndHeaders() => Write("\r\n"u8);

    /// <summary>Appends a body chunk.</summary>
    public void AddBody(ReadOnlySequence<byte> chunk)
    {
        foreach (var segment in chunk)
        {
            Write(segment.Span);
        }
    }

    /// <summary>The message so far, from its first byte; valid until <see cref="Reset"/>.</summary>
    public Stream OpenRead()
    {
        var stream = _stream ?? new MemoryStream();
        _stream = stream;
        stream.Position = 0;
        return new NonClosingStream(stream);
    }

    /// <summary>Drops the message (and its file).</summary>
    public void Reset()
    {
        _stream?.Dispose();
        _stream = null;
    }

    public void Dispose() => Reset();

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _stream ??= new MemoryStream();
        if (_stream is MemoryStream memory && memory.Length + bytes.Length > _memoryThreshold)
        {
            var file = new FileStream(
                Path.Combine(_directory, $"authmilter-{Guid.NewGuid():N}.eml"),
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None,
                64 * 1024,
                FileOptions.DeleteOnClose);
            memory.Position = 0;
            memory.CopyTo(file);
            memory.Dispose();
            _stream = file;
        }

        _stream.Seek(0, SeekOrigin.End);
        _stream.Write(bytes);
    }

    /// <summary>Lets a reader dispose its view without closing the spool.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
