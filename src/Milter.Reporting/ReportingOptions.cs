namespace Milter.Reporting;

/// <summary>
/// How DMARC reporting behaves: where the history is kept, who we are in reports we send, where they go out, and
/// what is never reported. Set from milter.conf; read-only once the daemon runs.
/// </summary>
public sealed class ReportingOptions
{
    /// <summary>Key <c>ReportStore</c>: <c>sqlite:PATH</c>, <c>postgres:CONNECTION-STRING</c> or <c>none</c>.</summary>
    public string Store { get; set; } = "sqlite:/var/lib/authmilter/history.db";

    /// <summary>Key <c>HistoryRetentionDays</c>: history, deliveries and incoming reports older than this are deleted.</summary>
    public int HistoryRetentionDays { get; set; } = 90;

    /// <summary>Key <c>HistoryQueueSize</c>: evaluations waiting to be written; past it new ones are dropped and counted, mail is never held.</summary>
    public int HistoryQueueSize { get; set; } = 10_000;

    /// <summary>Key <c>ReportingEnabled</c>: the daemon sends aggregate reports itself after each period.</summary>
    public bool Enabled { get; set; }

    /// <summary>Key <c>ReportInterval</c>: the reporting period; periods are aligned to 00:00 UTC. Defaults to one day.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Key <c>ReportOrgName</c>: our <c>org_name</c> in reports. Defaults to this host's name.</summary>
    public string OrgName { get; set; } = System.Net.Dns.GetHostName();

    /// <summary>Key <c>ReportContact</c>: our <c>email</c> in reports and the From address of report mail.</summary>
    public string Contact { get; set; } = $"postmaster@{System.Net.Dns.GetHostName()}";

    /// <summary>Key <c>ReportSmtpServer</c>: the smarthost reports are handed to, <c>host</c> or <c>host:port</c>.</summary>
    public string SmtpServer { get; set; } = "127.0.0.1:25";

    /// <summary>Key <c>ReportSkipTo</c>: recipients (addresses or whole domains) whose incoming mail is not recorded, such as our own report mailbox.</summary>
    public IReadOnlySet<string> SkipTo { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Key <c>ReportSuppress</c>: report destinations (addresses or whole domains) never sent to.</summary>
    public IReadOnlySet<string> Suppress { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Key <c>FailureReports</c>: send failure reports to <c>ruf</c> addresses as <c>fo</c> asks (RFC 9991). Defaults to off.</summary>
    public bool FailureReports { get; set; }

    /// <summary>Key <c>FailureReportRate</c>: most failure reports per policy domain per hour.</summary>
    public int FailureReportRate { get; set; } = 10;
}
