namespace Milter.TestKit.Postfix;

/// <summary>Reads LF-terminated lines from a stream as raw bytes, so message data keeps every byte as sent.</summary>
internal sealed class SmtpLineReader
{
    private const int MaxLineLength = 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public SmtpLineReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>The next line including its CRLF (or LF); null when the peer closed the stream at a line boundary.</summary>
    /// <exception cref="IOException">The stream ended inside a line, or a line exceeds 1 MiB.</exception>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline + 1 - _start).ToArray();
                _start = newline + 1;
                return line;
            }

            scanned = _end - _start;
            if (scanned > MaxLineLength)
            {
                throw new IOException($"SMTP line longer than {MaxLineLength} bytes.");
            }

            if (_end == _buffer.Length)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                else
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new IOException("The SMTP peer closed the connection inside a line.");
            }

            _end += read;
        }
    }
}
