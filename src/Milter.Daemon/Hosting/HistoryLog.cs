using Microsoft.Extensions.Logging;

namespace Milter.Daemon.Hosting;

/// <summary>Log messages of the report history's lifetime.</summary>
internal static partial class HistoryLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Report history in {Store}, kept {Days} days")]
    public static partial void StoreOpened(ILogger logger, string store, int days);

    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "Report database {Store} cannot be used, running without report history: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string store, string reason);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "ReportingEnabled is set but there is no report history ({Store}): no aggregate reports will be sent")]
    public static partial void SchedulerWithoutStore(ILogger logger, string store);
}
