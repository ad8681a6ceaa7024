using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Milter.Protocol.Codec;
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
    /// Serves the connection until the MTA quits or closes it, a protocol error occurs, the connection is idle
    /// for <see cref="MilterSessionOptions.IdleTimeout"/>, or <paramref name="stopping"/> fires and no message is
    /// in progress (a message being received is finished first, so a graceful stop loses no mail; the caller
    /// bounds that wait by closing the transport). Never throws for peer behaviour; protocol errors are logged.
    /// Always ends the SMTP session with <see cref="IMilterHandler.OnConnectionReset"/> and completes both pipe ends.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var input = _transport.Input;
        var session = new MilterSession(_handler, _options, _logger, _transport.Output);
        using var idle = new CancellationTokenSource();
        await using var wake = stopping.Register(static state => ((PipeReader)state!).CancelPendingRead(), input).ConfigureAwait(false);
        try
        {
            while (!(stopping.IsCancellationRequested && !session.IsInMessage))
            {
                var pending = input.ReadAsync(idle.Token);
                ReadResult result;
                if (pending.IsCompleted)
                {
                    result = pending.Result;
                }
                else
                {
                    // The idle timer runs only while the read actually waits, so busy connections pay nothing for it.
                    idle.CancelAfter(_options.IdleTimeout);
                    result = await pending.ConfigureAwait(false);
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                }

                var buffer = result.Buffer;
                var open = true;
                try
                {
                    while (MilterFrameReader.TryReadPacket(ref buffer, _options.MaxPacketLength, out var packet))
                    {
                        // The handler must not see a stop mid-message, so the token it gets never fires; a stop is honoured between packets.
                        if (!await session.ProcessAsync(packet, CancellationToken.None).ConfigureAwait(false)
                            || (stopping.IsCancellationRequested && !session.IsInMessage))
                        {
                            open = false;
                            break;
                        }
                    }

                    if (open && result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            MilterLog.ProtocolError(_logger, $"the MTA closed the connection inside a packet ({buffer.Length} bytes left over).");
                        }

                        open = false;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (!open)
                {
                    break;
                }
            }
        }
        catch (MilterProtocolException exception)
        {
            MilterLog.ProtocolError(_logger, exception.Message);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            MilterLog.IdleTimeout(_logger, _options.IdleTimeout);
        }
        catch (IOException exception)
        {
            MilterLog.TransportClosed(_logger, exception.Message);
        }
        catch (Exception exception)
        {
            // The connection boundary: a fault here must not take the listener down; it ends this connection only.
            MilterLog.ConnectionFailed(_logger, exception);
        }
        finally
        {
            session.Close();
            await input.CompleteAsync().ConfigureAwait(false);
            await _transport.Output.CompleteAsync().ConfigureAwait(false);
        }
    }
}
