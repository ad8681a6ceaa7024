using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>
/// Runs the milter protocol for one MTA connection over a duplex pipe: reads commands, drives the
/// handler, writes replies. Many messages and (with SMFIC_QUIT_NC) many SMTP sessions may pass.
/// </summary>
public sealed class MilterConnection
{
    private readonly IDuplexPipe _transport;
    private readonly IMilterHandler _handler;
    private readonly MilterSessionOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a connection; nothing is read until <see cref="RunAsync"/>.</summary>
    public MilterConnection(IDuplexPipe transport, IMilterHandler handler, MilterSessionOptions options, ILogger logger)
    {
        _transport = transport;
        _handler = handler;
        _options = options;
        _logger = logger;
    }

    /// <summary>
    /// Serves the connection until the MTA quits or closes it, a protocol error occurs, or
    /// <paramref name="cancellationToken"/> fires. Never throws for peer behaviour; protocol errors are logged.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
