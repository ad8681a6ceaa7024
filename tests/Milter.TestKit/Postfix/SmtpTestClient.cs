using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Milter.TestKit.Postfix;

/// <summary>
/// A plain SMTP client for tests: one command at a time, every reply returned (never thrown), XCLIENT, and
/// several transactions on one connection. Replies carry their round-trip time, so a test can measure the
/// MTA's end-of-data latency.
/// </summary>
/// <remarks>Nagle is off, so a short command is never held back waiting for an ACK. Not thread-safe.</remarks>
public sealed class SmtpTestClient : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly SmtpLineReader _reader;
    private readonly TimeSpan _replyTimeout;

    private SmtpTestClient(Socket socket, TimeSpan replyTimeout)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new SmtpLineReader(_stream);
        _replyTimeout = replyTimeout;
    }

    /// <summary>The server's greeting.</summary>
    public SmtpReply Greeting { get; private set; } = null!;

    /// <summary>Connects and reads the greeting.</summary>
    /// <param name="endPoint">The SMTP server.</param>
    /// <param name="replyTimeout">Longest wait for any reply; null for 60 s.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="SocketException">The connection was refused.</exception>
    /// <exception cref="IOException">The greeting is not a 220 reply.</exception>
    /// <exception cref="TimeoutException">No greeting within <paramref name="replyTimeout"/>.</exception>
    public static async Task<SmtpTestClient> ConnectAsync(IPEndPoint endPoint, TimeSpan? replyTimeout = null, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var started = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new SmtpTestClient(socket, replyTimeout ?? TimeSpan.FromSeconds(60));
        try
        {
            client.Greeting = await client.ReadReplyAsync(started, cancellationToken).ConfigureAwait(false);
            if (client.Greeting.Code != 220)
            {
                throw new IOException($"SMTP greeting from {endPoint} is not 220: {client.Greeting}");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends EHLO.</summary>
    public Task<SmtpReply> EhloAsync(string name, CancellationToken cancellationToken = default) =>
        CommandAsync("EHLO " + name, cancellationToken);

    /// <summary>
    /// Sends XCLIENT with space-separated attributes, e.g. <c>ADDR=192.0.2.1 NAME=[UNAVAILABLE] HELO=mail.example</c>.
    /// Postfix answers with a new 220 greeting; the client must send EHLO again.
    /// </summary>
    public Task<SmtpReply> XClientAsync(string attributes, CancellationToken cancellationToken = default) =>
        CommandAsync("XCLIENT " + attributes, cancellationToken);

    /// <summary>Sends <c>MAIL FROM:&lt;reversePath&gt;</c>; an empty path is the null sender.</summary>
    public Task<SmtpReply> MailFromAsync(string reversePath, CancellationToken cancellationToken = default) =>
        CommandAsync($"MAIL FROM:<{reversePath}>", cancellationToken);

    /// <summary>Sends <c>RCPT TO:&lt;forwardPath&gt;</c>.</summary>
    public Task<SmtpReply> RcptToAsync(string forwardPath, CancellationToken cancellationToken = default) =>
        CommandAsync($"RCPT TO:<{forwardPath}>", cancellationToken);

    /// <summary>Sends RSET.</summary>
    public Task<SmtpReply> RsetAsync(CancellationToken cancellationToken = default) => CommandAsync("RSET", cancellationToken);

    /// <summary>
    /// Sends DATA and, after a 354, the message (dot-stuffed) with the terminating <c>.</c> line in one write.
    /// Returns the reply to DATA when it is not 354, else the reply to the message, whose
    /// <see cref="SmtpReply.RoundTrip"/> starts at that write.
    /// </summary>
    /// <param name="message">The message with CRLF line ends; a missing final CRLF is added.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <exception cref="ArgumentException">The message contains a bare LF.</exception>
    public async Task<SmtpReply> DataAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        var payload = DotStuff(message.Span);
        var reply = await CommandAsync("DATA", cancellationToken).ConfigureAwait(false);
        if (reply.Code != 354)
        {
            return reply;
        }

        var started = Stopwatch.GetTimestamp();
        await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction: MAIL FROM, RCPT TO for each recipient, DATA. Stops at the first refused command and
    /// returns its reply (after a refused recipient, the server's state is left to the caller: RSET before the next message).
    /// </summary>
    public async Task<SmtpReply> SendMessageAsync(
        string reversePath,
        IReadOnlyList<string> recipients,
        ReadOnlyMemory<byte> message,
        CancellationToken cancellationToken = default)
    {
        var reply = await MailFromAsync(reversePath, cancellationToken).ConfigureAwait(false);
        if (!reply.IsPositive)
        {
            return reply;
        }

        foreach (var recipient in recipients)
        {
            reply = await RcptToAsync(recipient, cancellationToken).ConfigureAwait(false);
            if (!reply.IsPositive)
            {
                return reply;
            }
        }

        return await DataAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends QUIT and reads the 221.</summary>
    public Task<SmtpReply> QuitAsync(CancellationToken cancellationToken = default) => CommandAsync("QUIT", cancellationToken);

    /// <summary>Sends one command line (CRLF is appended) and reads its reply.</summary>
    /// <exception cref="IOException">The server closed the connection or sent a malformed reply.</exception>
    /// <exception cref="TimeoutException">No complete reply within the reply timeout.</exception>
    public async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        var started = Stopwatch.GetTimestamp();
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(started, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static byte[] DotStuff(ReadOnlySpan<byte> message)
    {
        var output = new MemoryStream(message.Length + 64);
        var lineStart = true;
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (b == '\n' && (i == 0 || message[i - 1] != '\r'))
            {
                throw new ArgumentException($"The message has a bare LF at offset {i}; SMTP needs CRLF line ends.", nameof(message));
            }

            if (lineStart && b == '.')
            {
                output.WriteByte((byte)'.');
            }

            output.WriteByte(b);
            lineStart = b == '\n';
        }

        if (!lineStart)
        {
            output.Write("\r\n"u8);
        }

        output.Write(".\r\n"u8);
        return output.ToArray();
    }

    private async Task<SmtpReply> ReadReplyAsync(long started, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_replyTimeout);
        var lines = new List<string>();
        try
        {
            while (true)
            {
                var raw = await _reader.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new IOException($"The SMTP server closed the connection; reply so far: {string.Join(" | ", lines)}");
                var line = Encoding.UTF8.GetString(raw).TrimEnd('\r', '\n');
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                    || (line.Length > 3 && line[3] is not (' ' or '-')))
                {
                    throw new IOException($"Malformed SMTP reply line '{line}'.");
                }

                lines.Add(line);
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpReply(code, lines, Stopwatch.GetElapsedTime(started));
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete SMTP reply within {_replyTimeout}; read so far: {string.Join(" | ", lines)}");
        }
    }
}
