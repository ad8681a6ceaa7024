using System.Buffers;

namespace Milter.Protocol.Handling;

/// <summary>
/// The callbacks one milter connection drives. A new handler is created for every MTA connection
/// (see <see cref="IMilterHandlerFactory"/>), so per-connection state may live in fields.
/// </summary>
/// <remarks>
/// Stage callbacks return a <see cref="MilterDecision"/>. For stages outside
/// <see cref="MilterHandlerRequirements.ReplyStages"/> the session may have negotiated "no reply"
/// with the MTA; a non-continue decision returned there is held and delivered at the next stage
/// that is answered (at the latest, end of message). Exceptions thrown by a callback are caught by
/// the session and mapped to the configured failure action; they never close the connection.
/// </remarks>
public interface IMilterHandler
{
    /// <summary>What this handler needs from the MTA; read once, at option negotiation.</summary>
    MilterHandlerRequirements Requirements { get; }

    /// <summary>SMTP client connected (SMFIC_CONNECT).</summary>
    ValueTask<MilterDecision> OnConnectAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>HELO/EHLO received (SMFIC_HELO). <see cref="MilterContext.Helo"/> is set.</summary>
    ValueTask<MilterDecision> OnHeloAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>MAIL FROM received (SMFIC_MAIL); a new message begins. <see cref="MilterContext.Sender"/> is set.</summary>
    ValueTask<MilterDecision> OnMailFromAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>RCPT TO received (SMFIC_RCPT); the recipient is the last of <see cref="MilterContext.Recipients"/>.</summary>
    ValueTask<MilterDecision> OnRecipientAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>DATA received (SMFIC_DATA).</summary>
    ValueTask<MilterDecision> OnDataAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>One header field (SMFIC_HEADER); it is also the last of <see cref="MilterContext.Headers"/>.</summary>
    ValueTask<MilterDecision> OnHeaderAsync(MilterContext context, MilterHeader header, CancellationToken cancellationToken);

    /// <summary>End of headers (SMFIC_EOH).</summary>
    ValueTask<MilterDecision> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken);

    /// <summary>
    /// One chunk of raw body bytes (SMFIC_BODY). The sequence is only valid during the call: copy what must be kept.
    /// Returning <see cref="MilterDecision.Skip"/> asks the MTA for no further chunks where it supports SMFIP_SKIP.
    /// </summary>
    ValueTask<MilterDecision> OnBodyChunkAsync(MilterContext context, ReadOnlySequence<byte> chunk, CancellationToken cancellationToken);

    /// <summary>
    /// End of message (SMFIC_BODYEOB): the only stage that may modify the message. <paramref name="progress"/>
    /// sends SMFIR_PROGRESS so a slow check does not trip the MTA's command timeout.
    /// </summary>
    ValueTask<MilterMessageResult> OnEndOfMessageAsync(MilterContext context, IMilterProgress progress, CancellationToken cancellationToken);

    /// <summary>The current message was aborted (SMFIC_ABORT) or ended; message state must be dropped. Connection state stays.</summary>
    void OnMessageReset(MilterContext context);

    /// <summary>The SMTP session ended (SMFIC_QUIT, SMFIC_QUIT_NC, or the socket closed).</summary>
    void OnConnectionReset(MilterContext context);
}
