using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;

namespace Milter.Daemon.Hosting;

/// <summary>
/// Runs the milter listener for the host's lifetime. Binding happens in <see cref="StartAsync"/>, so a socket
/// that cannot be bound stops the daemon at start (and systemd sees the failure) instead of later.
/// </summary>
internal sealed class MilterListenerService : IHostedService, IAsyncDisposable
{
    private readonly MilterServer _server;
    private readonly string _socket;

    public MilterListenerService(MilterSettings settings, IMilterHandlerFactory handlers, ILoggerFactory loggerFactory)
    {
        _socket = settings.Socket.Text;
        _server = new MilterServer(settings.Socket, handlers, settings.ToServerOptions(), loggerFactory);
    }

    /// <summary>MTA connections open now, for <c>/metrics</c>.</summary>
    public int ActiveConnections => _server.ActiveConnections;

    /// <summary>Whether the milter socket accepts connections, for <c>/healthz</c>.</summary>
    public bool IsListening => _server.IsListening;

    // The daemon's start-up error line names what could not be bound: the milter socket or the HTTP listener.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
        {
            throw new IOException($"Socket {_socket}: {exception.Message}", exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
