using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Milter.Protocol.Handling;
using Milter.Protocol.Session;

namespace Milter.Protocol.Hosting;

/// <summary>
/// Accepts MTA connections on one socket and serves each with a <see cref="MilterConnection"/> and a fresh handler.
/// Connections are independent async sessions, at most <see cref="MilterServerOptions.MaxConnections"/> at once.
/// </summary>
public sealed class MilterServer : IAsyncDisposable
{
    private readonly MilterEndpoint _endpoint;
    private readonly IMilterHandlerFactory _handlers;
    private readonly MilterServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;

    /// <summary>Creates a server; nothing is bound until <see cref="StartAsync"/>.</summary>
    public MilterServer(MilterEndpoint endpoint, IMilterHandlerFactory handlers, MilterServerOptions options, ILoggerFactory loggerFactory)
    {
        _endpoint = endpoint;
        _handlers = handlers;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Milter.Server");
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
    }

    /// <summary>The bound address (with the real port when the endpoint asked for port 0); null before start.</summary>
    public EndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    /// <summary>Connections being served now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>Whether the server was started and has not begun to stop: what a health check asks.</summary>
    public bool IsListening => _listener is not null && !_stopping.IsCancellationRequested;

    /// <summary>
    /// Binds the socket and starts accepting. A unix socket left behind by a dead process is removed first;
    /// one that a live process still answers on is not.
    /// </summary>
    /// <exception cref="IOException">The unix socket path is in use by a running process, or cannot be prepared.</exception>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local, no permission).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = await _endpoint.ResolveAsync(cancellationToken).ConfigureAwait(false);
        Socket listener;
        if (_endpoint.UnixPath is { } path)
        {
            await RemoveStaleUnixSocketAsync(path, cancellationToken).ConfigureAwait(false);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endPoint);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, _options.SocketMode);
                if (_options.SocketOwner is { } owner)
                {
                    UnixOwnership.Change(path, owner);
                }
            }
        }
        else
        {
            listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
        }

        listener.Listen(512);
        _listener = listener;
        ServerLog.Listening(_logger, _endpoint.Text, listener.LocalEndPoint?.ToString() ?? _endpoint.Text);
        _acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>
    /// Stops accepting, lets messages in progress finish for up to <see cref="MilterServerOptions.ShutdownTimeout"/>
    /// (idle connections close at once), then closes what is left. Removes a unix socket file.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null || _stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop!.ConfigureAwait(false);

        var drained = Task.WhenAll(_connections.Values);
        var deadline = Task.Delay(_options.ShutdownTimeout, cancellationToken);
        if (await Task.WhenAny(drained, deadline).ConfigureAwait(false) != drained)
        {
            ServerLog.ShutdownTimedOut(_logger, _connections.Count, _options.ShutdownTimeout);
            foreach (var socket in _connections.Keys)
            {
                socket.Dispose();
            }

            await drained.ConfigureAwait(false);
        }

        if (_endpoint.UnixPath is { } path)
        {
            File.Delete(path);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (!_slots.Wait(0))
                {
                    ServerLog.ConnectionLimitReached(_logger, _options.MaxConnections);
                    await _slots.WaitAsync(token).ConfigureAwait(false);
                }

                Socket socket;
                try
                {
                    socket = await listener.AcceptAsync(token).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                // Registered before the task starts, so a stop that follows at once still waits for it.
                var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _connections[socket] = ServeAsync(socket, started.Task);
                started.SetResult();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException exception) when (!token.IsCancellationRequested)
            {
                // Transient accept failures (EMFILE, ECONNABORTED) must not end the listener; pause so they cannot spin.
                ServerLog.AcceptFailed(_logger, exception.Message);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task ServeAsync(Socket socket, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            Stream stream;
            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
                stream = new QuickAckNetworkStream(socket);
            }
            else
            {
                stream = new NetworkStream(socket, ownsSocket: true);
            }

            await using (stream.ConfigureAwait(false))
            {
                var transport = new StreamDuplexPipe(
                    PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true)),
                    PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
                var logger = _loggerFactory.CreateLogger("Milter.Connection");
                await new MilterConnection(transport, _handlers.Create(), _options.Session, logger).RunAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            ServerLog.ConnectionSetupFailed(_logger, exception);
        }
        finally
        {
            socket.Dispose();
            _connections.TryRemove(socket, out _);
            _slots.Release();
        }
    }

    private static async Task RemoveStaleUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return;
        }

        // A socket has no length; anything with content is a file the configuration points at by mistake.
        if (new FileInfo(path).Length > 0)
        {
            throw new IOException($"{path} exists and is not a socket; refusing to replace it.");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new IOException($"{path} is in use by a running process (another authmilter?).");
    }

    private sealed record StreamDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
