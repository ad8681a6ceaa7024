using Microsoft.Extensions.Logging;

namespace Milter.Daemon.Web;

/// <summary>Log messages of the HTTP listener.</summary>
internal static partial class WebLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Serving the dashboard, /metrics and /healthz on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Health check {Check} failed: {Reason}")]
    public static partial void HealthCheckFailed(ILogger logger, string check, string reason);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "The dashboard could not read the report store: {Reason}")]
    public static partial void DashboardFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 703, Level = LogLevel.Error, Message = "A metrics source failed during a scrape: {Reason}")]
    public static partial void ScrapeFailed(ILogger logger, string reason, Exception exception);
}
