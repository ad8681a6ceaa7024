using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Milter.Reporting.Tests.Outgoing;

/// <summary>
/// A one-connection SMTP server on loopback that greets, answers EHLO, and gives MAIL FROM the reply it was made
/// with, so the submitter's handling of 4xx and 5xx refusals can be tested against a real socket.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _session;

    public ScriptedSmtpServer(string mailFromReply)
    {
        _listener.Start();
        _session = ServeAsync(mailFromReply);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _session.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The client hung up or never came; nothing to check here.
        }

        _listener.Dispose();
    }

    private async Task ServeAsync(string mailFromReply)
    {
        using var client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 scripted.test ESMTP").ConfigureAwait(false);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            var reply = verb switch
            {
                "EHLO" => "250 scripted.test",
                "MAIL" => mailFromReply,
                "QUIT" => "221 bye",
                _ => "250 ok",
            };
            await writer.WriteLineAsync(reply).ConfigureAwait(false);
            if (verb == "QUIT")
            {
                return;
            }
        }
    }
}
