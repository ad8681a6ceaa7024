using Microsoft.Extensions.Logging;

namespace Milter.Daemon.Cli;

/// <summary>Log messages of the daemon's lifetime.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason);
}
