using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Benchmarks.Noop;
using Milter.Protocol.Hosting;

namespace Milter.Benchmarks.Serve;

/// <summary>
/// The <c>serve-noop</c> mode: the engine's socket server with <see cref="NoopMilterHandler"/>, so that the
/// <c>load</c> mode measures the engine alone. Runs until SIGTERM or SIGINT, then stops gracefully
/// (messages in progress finish). Nothing is logged: the load generator counts failures from its side.
/// </summary>
public static class NoopServer
{
    /// <summary>Serves until a stop signal; returns the process exit code.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The socket cannot be bound.</exception>
    /// <exception cref="IOException">The unix socket path is in use or cannot be prepared.</exception>
    public static async Task<int> RunAsync(ServeOptions options, TextWriter output)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            // Cancel the default (immediate exit): the server drains first.
            context.Cancel = true;
            stop.TrySetResult();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var serverOptions = new MilterServerOptions { MaxConnections = options.MaxConnections };
        await using var server = new MilterServer(options.Socket, new NoopMilterHandlerFactory(), serverOptions, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
        output.WriteLine($"serving {options.Socket} on {server.LocalEndPoint}, pid {Environment.ProcessId}, max {options.MaxConnections} connections");
        output.WriteLine($"gc {(GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {GCSettings.LatencyMode}, {Environment.ProcessorCount} processors; SIGTERM or Ctrl-C stops");

        await stop.Task.ConfigureAwait(false);
        output.WriteLine($"stopping: {server.ActiveConnections} connections open");
        await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
        output.WriteLine("stopped");
        return 0;
    }
}
