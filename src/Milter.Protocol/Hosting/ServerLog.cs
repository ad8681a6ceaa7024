using Microsoft.Extensions.Logging;

namespace Milter.Protocol.Hosting;

/// <summary>Log messages of the listener.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Listening on {Socket} ({Bound})")]
    public static partial void Listening(ILogger logger, string socket, string bound);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "MaxConnections ({Limit}) reached; new MTA connections wait in the backlog")]
    public static partial void ConnectionLimitReached(ILogger logger, int limit);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Accepting a connection failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Setting up an MTA connection failed")]
    public static partial void ConnectionSetupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Shutdown: {Count} connections still had a message in progress after {Timeout}; closing them (the MTA applies its default action)")]
    public static partial void ShutdownTimedOut(ILogger logger, int count, TimeSpan timeout);
}
