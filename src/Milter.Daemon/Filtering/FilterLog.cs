using Microsoft.Extensions.Logging;

namespace Milter.Daemon.Filtering;

/// <summary>Log messages of the filter: one info line per message, for admins grepping by queue id.</summary>
internal static partial class FilterLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information,
        Message = "{QueueId}: client={Client} helo={Helo} from=<{Sender}> results={Results} forged-ar-removed={Forged} verdict={Verdict} elapsed={ElapsedMs:0.0}ms")]
    public static partial void Message(ILogger logger, string queueId, string client, string helo, string sender, string results, int forged, string verdict, double elapsedMs);
}
