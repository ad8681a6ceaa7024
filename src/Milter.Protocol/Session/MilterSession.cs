using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Milter.Protocol.Codec;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>
/// The protocol state machine of one MTA connection: dispatches parsed commands to the handler, keeps the
/// <see cref="MilterContext"/>, and writes the replies (flushed once per answered command).
/// </summary>
/// <remarks>
/// Decision scopes: a final decision at CONNECT or HELO covers the rest of the SMTP session (it is repeated
/// for any later answered command without calling the handler). Reject, tempfail or a reply code at RCPT
/// refuse only that recipient (as in libmilter); accept or discard there, and any final decision at the
/// other message stages, end the message. A non-continue decision at a stage negotiated as "no reply" is
/// held, the handler is not called again, and the decision is delivered at the next answered command.
/// </remarks>
internal sealed class MilterSession : IMilterProgress
{
    private const string EndOfMessageStage = "EndOfMessage";

    private static readonly MilterStages[] AllStages =
    [
        MilterStages.Connect, MilterStages.Helo, MilterStages.MailFrom, MilterStages.Recipient, MilterStages.Data,
        MilterStages.Header, MilterStages.EndOfHeaders, MilterStages.Body, MilterStages.Unknown,
    ];

    private readonly IMilterHandler _handler;
    private readonly MilterSessionOptions _options;
    private readonly ILogger _logger;
    private readonly PipeWriter _output;
    private readonly MilterContext _context = new();

    private MilterNegotiationResult? _negotiated;
    private MilterStages _stages;
    private MilterStages _noReplyStages;
    private bool _skipNegotiated;
    private MilterDecision? _connectionDecision;
    private MilterDecision? _heldDecision;
    private bool _heldCoversConnection;
    private bool _inMessage;
    private bool _inEndOfMessage;
    private bool _connectionResetPending = true;

    public MilterSession(IMilterHandler handler, MilterSessionOptions options, ILogger logger, PipeWriter output)
    {
        _handler = handler;
        _options = options;
        _logger = logger;
        _output = output;
    }

    /// <summary>The state handlers see.</summary>
    public MilterContext Context => _context;

    /// <summary>True between MAIL FROM and the end (or abort) of that message.</summary>
    public bool IsInMessage => _inMessage;

    /// <summary>What was negotiated, once SMFIC_OPTNEG was answered.</summary>
    public MilterNegotiationResult? Negotiated => _negotiated;

    /// <summary>Processes one packet, writing and flushing its replies.</summary>
    /// <returns>False when the MTA quit and the connection should close.</returns>
    /// <exception cref="MilterProtocolException">The packet breaks the protocol; the connection must close.</exception>
    public async ValueTask<bool> ProcessAsync(MilterPacket packet, CancellationToken cancellationToken)
    {
        var command = MilterCommandParser.GetCommand(packet);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            MilterLog.Command(_logger, packet.CommandChar, packet.Payload.Length, _context.QueueId);
        }

        if (command == MilterCommandCode.OptionNegotiation)
        {
            await NegotiateAsync(packet).ConfigureAwait(false);
            return true;
        }

        if (_negotiated is null)
        {
            throw new MilterProtocolException($"Command '{packet.CommandChar}' arrived before SMFIC_OPTNEG.");
        }

        switch (command)
        {
            case MilterCommandCode.Quit:
                return false;
            case MilterCommandCode.QuitNewConnection:
                ResetConnection();
                return true;
            case MilterCommandCode.Abort:
                EndMessage();
                return true;
        }

        _connectionResetPending = true;
        switch (command)
        {
            case MilterCommandCode.Macro:
                ApplyMacros(MilterCommandParser.ParseMacro(packet));
                break;
            case MilterCommandCode.Connect:
                _context.Connection = MilterCommandParser.ParseConnect(packet);
                await StageAsync(MilterStages.Connect, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Helo:
                _context.Helo = MilterCommandParser.ParseHelo(packet);
                await StageAsync(MilterStages.Helo, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Mail:
                var sender = MilterCommandParser.ParseEnvelopeAddress(packet);
                BeginMessage();
                _context.Sender = sender;
                await StageAsync(MilterStages.MailFrom, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Recipient:
                var recipient = MilterCommandParser.ParseEnvelopeAddress(packet);
                BeginMessage();
                _context.AddRecipient(recipient);
                await StageAsync(MilterStages.Recipient, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Data:
                BeginMessage();
                await StageAsync(MilterStages.Data, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Header:
                var parsed = MilterCommandParser.ParseHeader(packet);
                var header = new MilterHeader(parsed.Name, parsed.Value);
                BeginMessage();
                if (_context.Headers.Count < _options.MaxHeaders)
                {
                    _context.AddHeader(header);
                }

                await StageAsync(MilterStages.Header, header, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.EndOfHeaders:
                BeginMessage();
                await StageAsync(MilterStages.EndOfHeaders, null, default, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Body:
                BeginMessage();
                await StageAsync(MilterStages.Body, null, packet.Payload, cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.EndOfBody:
                BeginMessage();
                await EndOfMessageAsync(MilterCommandParser.ParseEndOfBody(packet), cancellationToken).ConfigureAwait(false);
                break;
            case MilterCommandCode.Unknown:
                // Parsed to validate the framing; IMilterHandler has no callback for unknown SMTP commands.
                MilterCommandParser.ParseUnknown(packet);
                await StageAsync(MilterStages.Unknown, null, default, cancellationToken).ConfigureAwait(false);
                break;
        }

        return true;
    }

    /// <summary>Ends whatever is open when the connection goes away: the message, then the SMTP session.</summary>
    public void Close()
    {
        EndMessage();
        NotifyConnectionReset();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Called outside <see cref="IMilterHandler.OnEndOfMessageAsync"/>.</exception>
    public async ValueTask ReportAsync(CancellationToken cancellationToken)
    {
        if (!_inEndOfMessage)
        {
            throw new InvalidOperationException("Progress can only be reported while end of message is being handled.");
        }

        MilterReplyWriter.WriteCode(_output, MilterReplyCode.Progress);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask NegotiateAsync(MilterPacket packet)
    {
        if (_negotiated is not null)
        {
            throw new MilterProtocolException("SMFIC_OPTNEG arrived twice on one connection.");
        }

        var offer = MilterCommandParser.ParseOptionNegotiation(packet);
        var requirements = _handler.Requirements;
        var negotiated = MilterNegotiator.Negotiate(offer, requirements, _options.MaxPacketLength);
        _stages = requirements.Stages;
        _skipNegotiated = (negotiated.Reply.Protocol & MilterProtocolFlags.Skip) != 0;
        foreach (var stage in AllStages)
        {
            if (negotiated.IsNoReply(stage))
            {
                _noReplyStages |= stage;
            }
        }

        MilterLog.Negotiated(_logger, negotiated.Reply.Version, negotiated.Reply.Actions, negotiated.Reply.Protocol, offer.Version, offer.Actions, offer.Protocol);
        MilterReplyWriter.WriteOptionNegotiation(_output, negotiated.Reply, negotiated.Macros);
        _negotiated = negotiated;
        await _output.FlushAsync().ConfigureAwait(false);
    }

    private void ApplyMacros(MilterMacroCommand command)
    {
        var connectionStage = command.Stage is (byte)MilterCommandCode.Connect or (byte)MilterCommandCode.Helo;
        foreach (var (name, value) in command.Macros)
        {
            _context.SetMacro(name, value, connectionStage);
        }
    }

    private async ValueTask StageAsync(MilterStages stage, MilterHeader? header, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        var answered = (_noReplyStages & stage) == 0;
        if (_connectionDecision is { } connectionDecision)
        {
            if (answered)
            {
                await ReplyAsync(connectionDecision, stage).ConfigureAwait(false);
            }

            return;
        }

        if (_heldDecision is { } held)
        {
            if (answered)
            {
                await DeliverAsync(held, _heldCoversConnection, stage).ConfigureAwait(false);
            }

            return;
        }

        var decision = (_stages & stage) == 0 || stage == MilterStages.Unknown
            ? MilterDecision.Continue
            : await InvokeAsync(stage, header, chunk, cancellationToken).ConfigureAwait(false);
        if (decision.Kind == MilterDecisionKind.Skip && !(stage == MilterStages.Body && _skipNegotiated))
        {
            decision = MilterDecision.Continue;
        }

        if (decision.Kind is MilterDecisionKind.Continue or MilterDecisionKind.Skip)
        {
            if (answered)
            {
                await ReplyAsync(decision, stage).ConfigureAwait(false);
            }

            return;
        }

        var coversConnection = stage is MilterStages.Connect or MilterStages.Helo;
        if (!answered)
        {
            _heldDecision = decision;
            _heldCoversConnection = coversConnection;
            return;
        }

        if (stage == MilterStages.Recipient && decision.Kind is MilterDecisionKind.Reject or MilterDecisionKind.Tempfail or MilterDecisionKind.Reply)
        {
            _context.RemoveLastRecipient();
            await ReplyAsync(decision, stage).ConfigureAwait(false);
            return;
        }

        await DeliverAsync(decision, coversConnection, stage).ConfigureAwait(false);
    }

    private async ValueTask DeliverAsync(MilterDecision decision, bool coversConnection, MilterStages stage)
    {
        _heldDecision = null;
        if (coversConnection)
        {
            _connectionDecision = decision;
        }

        EndMessage();
        await ReplyAsync(decision, stage).ConfigureAwait(false);
    }

    private async ValueTask<MilterDecision> InvokeAsync(MilterStages stage, MilterHeader? header, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken)
    {
        try
        {
            var decision = stage switch
            {
                MilterStages.Connect => await _handler.OnConnectAsync(_context, cancellationToken).ConfigureAwait(false),
                MilterStages.Helo => await _handler.OnHeloAsync(_context, cancellationToken).ConfigureAwait(false),
                MilterStages.MailFrom => await _handler.OnMailFromAsync(_context, cancellationToken).ConfigureAwait(false),
                MilterStages.Recipient => await _handler.OnRecipientAsync(_context, cancellationToken).ConfigureAwait(false),
                MilterStages.Data => await _handler.OnDataAsync(_context, cancellationToken).ConfigureAwait(false),
                MilterStages.Header => await _handler.OnHeaderAsync(_context, header!, cancellationToken).ConfigureAwait(false),
                MilterStages.EndOfHeaders => await _handler.OnEndOfHeadersAsync(_context, cancellationToken).ConfigureAwait(false),
                _ => await _handler.OnBodyChunkAsync(_context, chunk, cancellationToken).ConfigureAwait(false),
            };
            ValidateDecision(decision);
            return decision;
        }
        catch (Exception exception)
        {
            MilterLog.HandlerFailed(_logger, exception, stage.ToString(), _context.QueueId, _options.OnError);
            return _options.OnError;
        }
    }

    private async ValueTask EndOfMessageAsync(MilterEndOfBodyCommand command, CancellationToken cancellationToken)
    {
        var decision = _connectionDecision ?? _heldDecision;
        MilterMessageResult? result = null;
        if (decision is null && !command.FinalChunk.IsEmpty && (_stages & MilterStages.Body) != 0)
        {
            var chunkDecision = await InvokeAsync(MilterStages.Body, null, command.FinalChunk, cancellationToken).ConfigureAwait(false);
            if (chunkDecision.Kind is not (MilterDecisionKind.Continue or MilterDecisionKind.Skip))
            {
                decision = chunkDecision;
            }
        }

        if (decision is null)
        {
            _inEndOfMessage = true;
            try
            {
                result = await _handler.OnEndOfMessageAsync(_context, this, cancellationToken).ConfigureAwait(false);
                ValidateResult(result);
                decision = result.Decision.Kind == MilterDecisionKind.Skip ? MilterDecision.Continue : result.Decision;
            }
            catch (Exception exception)
            {
                // No partial modifications: the whole result is replaced by the failure action.
                MilterLog.HandlerFailed(_logger, exception, EndOfMessageStage, _context.QueueId, _options.OnError);
                result = null;
                decision = _options.OnError;
            }
            finally
            {
                _inEndOfMessage = false;
            }
        }

        if (result is not null)
        {
            WriteModifications(result);
        }

        if (_heldDecision is not null && _heldCoversConnection)
        {
            _connectionDecision = _heldDecision;
        }

        _heldDecision = null;
        EndMessage();
        MilterReplyWriter.WriteDecision(_output, decision);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            MilterLog.Reply(_logger, decision.ToString(), EndOfMessageStage, _context.QueueId);
        }

        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private void WriteModifications(MilterMessageResult result)
    {
        // With HDR_LEADSPC the MTA writes values as given (Postfix milter8.c), so the space after the colon is ours to send.
        var space = (_negotiated!.Reply.Protocol & MilterProtocolFlags.HeaderLeadingSpace) != 0 ? " " : string.Empty;
        foreach (var change in MilterHeaderChangeOrder.Arrange(result.HeaderChanges))
        {
            switch (change)
            {
                case HeaderChange.Add add when IsGranted(MilterActions.AddHeaders, change):
                    MilterReplyWriter.WriteAddHeader(_output, add.Name, space + add.Value);
                    break;
                case HeaderChange.Insert insert when IsGranted(MilterActions.AddHeaders, change):
                    MilterReplyWriter.WriteInsertHeader(_output, insert.Index, insert.Name, space + insert.Value);
                    break;
                case HeaderChange.Change replace when IsGranted(MilterActions.ChangeHeaders, change):
                    MilterReplyWriter.WriteChangeHeader(_output, replace.Occurrence, replace.Name, space + replace.Value);
                    break;
                case HeaderChange.Delete delete when IsGranted(MilterActions.ChangeHeaders, change):
                    MilterReplyWriter.WriteChangeHeader(_output, delete.Occurrence, delete.Name, string.Empty);
                    break;
            }
        }

        if (result.QuarantineReason is { } reason && IsGranted(MilterActions.Quarantine, "quarantine"))
        {
            MilterReplyWriter.WriteQuarantine(_output, reason);
        }
    }

    private bool IsGranted(MilterActions action, object change)
    {
        if ((_negotiated!.Reply.Actions & action) != 0)
        {
            return true;
        }

        MilterLog.ModificationNotNegotiated(_logger, change.ToString()!, action, _context.QueueId);
        return false;
    }

    private async ValueTask ReplyAsync(MilterDecision decision, MilterStages stage)
    {
        MilterReplyWriter.WriteDecision(_output, decision);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            MilterLog.Reply(_logger, decision.ToString(), stage.ToString(), _context.QueueId);
        }

        await _output.FlushAsync().ConfigureAwait(false);
    }

    private void BeginMessage()
    {
        // After a decision covering the SMTP session the handler sees no further message, so none is begun.
        if (!_inMessage && _connectionDecision is null)
        {
            _inMessage = true;
            _context.MessageCount++;
        }
    }

    private void EndMessage()
    {
        if (!_heldCoversConnection)
        {
            _heldDecision = null;
        }

        if (_inMessage)
        {
            _inMessage = false;
            try
            {
                _handler.OnMessageReset(_context);
            }
            catch (Exception exception)
            {
                MilterLog.ResetFailed(_logger, exception, _context.QueueId);
            }
        }

        _context.ResetMessage();
    }

    private void ResetConnection()
    {
        EndMessage();
        NotifyConnectionReset();
        _context.ResetConnection();
        _connectionDecision = null;
        _heldDecision = null;
        _heldCoversConnection = false;
    }

    private void NotifyConnectionReset()
    {
        if (!_connectionResetPending)
        {
            return;
        }

        _connectionResetPending = false;
        try
        {
            _handler.OnConnectionReset(_context);
        }
        catch (Exception exception)
        {
            MilterLog.ResetFailed(_logger, exception, _context.QueueId);
        }
    }

    private static void ValidateDecision(MilterDecision decision)
    {
        if (decision.Kind == MilterDecisionKind.Reply && (decision.Text!.Contains('\0') || decision.EnhancedCode!.Contains('\0')))
        {
            throw new InvalidOperationException("A reply code text must not contain NUL.");
        }
    }

    private static void ValidateResult(MilterMessageResult result)
    {
        ValidateDecision(result.Decision);
        foreach (var change in result.HeaderChanges)
        {
            var (name, value, index) = change switch
            {
                HeaderChange.Add add => (add.Name, add.Value, 0),
                HeaderChange.Insert insert => (insert.Name, insert.Value, insert.Index),
                HeaderChange.Change replace => (replace.Name, replace.Value, replace.Occurrence - 1),
                HeaderChange.Delete delete => (delete.Name, string.Empty, delete.Occurrence - 1),
                _ => throw new InvalidOperationException($"Unknown header change {change}."),
            };
            if (name.Length == 0 || name.AsSpan().IndexOfAny('\0', ':') >= 0 || value.Contains('\0') || index < 0)
            {
                throw new InvalidOperationException($"Invalid header change {change}: empty name, NUL or colon in the name, NUL in the value, or an index out of range.");
            }
        }

        if (result.QuarantineReason?.Contains('\0') == true)
        {
            throw new InvalidOperationException("A quarantine reason must not contain NUL.");
        }
    }
}
