using Microsoft.Extensions.Logging;
using Milter.Protocol.Handling;

namespace Milter.Protocol.Session;

/// <summary>Log messages of the session; generated so that disabled levels cost no allocation.</summary>
internal static partial class MilterLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Milter command '{Command}' ({Length} bytes), queue id {QueueId}")]
    public static partial void Command(ILogger logger, char command, long length, string? queueId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Negotiated version {Version}, actions {Actions}, protocol {Protocol} (MTA offered version {OfferedVersion}, actions {OfferedActions}, protocol {OfferedProtocol})")]
    public static partial void Negotiated(ILogger logger, uint version, MilterActions actions, MilterProtocolFlags protocol, uint offeredVersion, MilterActions offeredActions, MilterProtocolFlags offeredProtocol);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Reply '{Reply}' at stage {Stage}, queue id {QueueId}")]
    public static partial void Reply(ILogger logger, string reply, string stage, string? queueId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Milter handler failed at stage {Stage}, queue id {QueueId}; answering {Decision}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string stage, string? queueId, MilterDecision decision);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Header change {Change} dropped: the MTA did not grant action {Action}, queue id {QueueId}")]
    public static partial void ModificationNotNegotiated(ILogger logger, string change, MilterActions action, string? queueId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Reset callback failed, queue id {QueueId}")]
    public static partial void ResetFailed(ILogger logger, Exception exception, string? queueId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Milter protocol error, closing the connection: {Reason}")]
    public static partial void ProtocolError(ILogger logger, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Closing the milter connection after {Timeout} idle")]
    public static partial void IdleTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "Milter connection closed by the transport: {Reason}")]
    public static partial void TransportClosed(ILogger logger, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Milter connection failed unexpectedly")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception);
}
