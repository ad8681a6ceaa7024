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

    public MilterListenerService(MilterSettings settings, IMilterHandlerFactory handlers, ILoggerFactory loggerFactory)
    {
        _server = new MilterServer(settings.Socket, handlers, settings.ToServerOptions(), loggerFactory);
    }

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
