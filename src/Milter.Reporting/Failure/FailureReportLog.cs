using Microsoft.Extensions.Logging;

namespace Milter.Reporting.Failure;

/// <summary>Log messages of failure reporting; each names the queue id of the reported message.</summary>
internal static partial class FailureReportLog
{
    [LoggerMessage(EventId = 560, Level = LogLevel.Debug, Message = "{QueueId}: no failure report for {PolicyDomain}: {Reason}")]
    public static partial void NotReported(ILogger logger, string queueId, string policyDomain, string reason);

    [LoggerMessage(EventId = 561, Level = LogLevel.Debug, Message = "{QueueId}: failure report for {PolicyDomain} not sent to {Destination}: {Reason}")]
    public static partial void DestinationSkipped(ILogger logger, string queueId, string policyDomain, string destination, string reason);

    [LoggerMessage(EventId = 562, Level = LogLevel.Warning, Message = "{QueueId}: failure report for {PolicyDomain} not sent to {Destination}: {Reason}")]
    public static partial void DestinationRefused(ILogger logger, string queueId, string policyDomain, string destination, string reason);

    [LoggerMessage(EventId = 563, Level = LogLevel.Information, Message = "{QueueId}: failure report for {PolicyDomain} sent to {Destination}")]
    public static partial void Sent(ILogger logger, string queueId, string policyDomain, string destination);

    [LoggerMessage(EventId = 564, Level = LogLevel.Warning, Message = "{QueueId}: failure report for {PolicyDomain} to {Destination} failed, not retried")]
    public static partial void SendFailed(ILogger logger, Exception exception, string queueId, string policyDomain, string destination);
}
