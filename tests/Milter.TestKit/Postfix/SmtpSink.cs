using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Milter.TestKit.Postfix;

/// <summary>
/// A recording SMTP server on loopback that accepts every message and keeps its envelope and exact bytes,
/// for an MTA under test to relay to. <see cref="ReceiveAsync"/> awaits the next message that arrives.
/// </summary>
/// <remarks>
/// Speaks enough ESMTP for Postfix's smtp client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no PIPELINING).
/// A message is recorded before the final 250 goes out, so once the MTA logs it as sent it is available.
/// </remarks>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<SmtpSinkMessage> _messages = Channel.CreateUnbounded<SmtpSinkMessage>();
    private readonly List<Task> _sessions = [];
    private readonly Task _acceptLoop;

    private SmtpSink(Socket listener)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Where the sink listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Starts a sink on a free port of 127.0.0.1.</summary>
    /// <exception cref="SocketException">Loopback cannot be bound.</exception>
    public static SmtpSink Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new SmtpSink(listener);
    }

    /// <summary>Waits for the next message, in order of arrival.</summary>
    /// <exception cref="TimeoutException">No message arrived within <paramref name="timeout"/>.</exception>
    public async Task<SmtpSinkMessage> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _messages.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No message reached the SMTP sink on {EndPoint} within {timeout}.");
        }
    }

    /// <summary>Takes a message that has already arrived, without waiting.</summary>
    public bool TryReceive(out SmtpSinkMessage? message) => _messages.Reader.TryRead(out message);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static string Path(string argument)
    {
        var open = argument.IndexOf('<');
        var close = argument.IndexOf('>', open + 1);
        return open >= 0 && close > open ? argument[(open + 1)..close] : argument.Trim();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException
                && _stopping.IsCancellationRequested)
            {
                return;
            }

            lock (_sessions)
            {
                _sessions.RemoveAll(session => session.IsCompleted);
                _sessions.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = new SmtpLineReader(stream);
        var token = _stopping.Token;
        var helo = string.Empty;
        string? sender = null;
        var recipients = new List<string>();

        async Task ReplyAsync(string reply) => await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), token).ConfigureAwait(false);

        try
        {
            await ReplyAsync("220 sink.authmilter.test ESMTP test sink").ConfigureAwait(false);
            while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } raw)
            {
                var line = Encoding.UTF8.GetString(raw).TrimEnd('\r', '\n');
                var space = line.IndexOf(' ');
                var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
                var argument = space < 0 ? string.Empty : line[(space + 1)..];
                switch (verb)
                {
                    case "EHLO":
                        helo = argument;
                        await ReplyAsync("250-sink.authmilter.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE").ConfigureAwait(false);
                        break;
                    case "HELO":
                        helo = argument;
                        await ReplyAsync("250 sink.authmilter.test").ConfigureAwait(false);
                        break;
                    case "MAIL":
                        sender = Path(argument);
                        recipients.Clear();
                        await ReplyAsync("250 2.1.0 Ok").ConfigureAwait(false);
                        break;
                    case "RCPT" when sender is not null:
                        recipients.Add(Path(argument));
                        await ReplyAsync("250 2.1.5 Ok").ConfigureAwait(false);
                        break;
                    case "DATA" when sender is not null && recipients.Count > 0:
                        await ReplyAsync("354 End data with <CR><LF>.<CR><LF>").ConfigureAwait(false);
                        var data = await ReadDataAsync(reader, token).ConfigureAwait(false);
                        await _messages.Writer.WriteAsync(new SmtpSinkMessage(helo, sender, [.. recipients], data), token).ConfigureAwait(false);
                        sender = null;
                        recipients.Clear();
                        await ReplyAsync("250 2.0.0 Ok: stored").ConfigureAwait(false);
                        break;
                    case "RSET":
                        sender = null;
                        recipients.Clear();
                        await ReplyAsync("250 2.0.0 Ok").ConfigureAwait(false);
                        break;
                    case "NOOP":
                        await ReplyAsync("250 2.0.0 Ok").ConfigureAwait(false);
                        break;
                    case "QUIT":
                        await ReplyAsync("221 2.0.0 Bye").ConfigureAwait(false);
                        return;
                    case "RCPT" or "DATA":
                        await ReplyAsync("503 5.5.1 Bad sequence of commands").ConfigureAwait(false);
                        break;
                    default:
                        await ReplyAsync("502 5.5.2 Command not implemented").ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException)
        {
            // The sink is stopping or the client went away; an incomplete message is not recorded.
        }
    }

    private static async Task<byte[]> ReadDataAsync(SmtpLineReader reader, CancellationToken cancellationToken)
    {
        var data = new MemoryStream();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("The client closed the connection inside DATA.");
            if (line.AsSpan().SequenceEqual(".\r\n"u8))
            {
                return data.ToArray();
            }

            var start = line.Length > 0 && line[0] == '.' ? 1 : 0;
            data.Write(line, start, line.Length - start);
        }
    }
}
