namespace Milter.Reporting.Outgoing;

/// <summary>What one run of <see cref="ReportSender"/> did with one report for one destination.</summary>
public enum ReportDestinationOutcome
{
    /// <summary>The SMTP server accepted the report; it is recorded as sent.</summary>
    Sent,

    /// <summary>Sending failed, or the report could not be built; a failed send is recorded as pending and retried on the next run.</summary>
    Failed,

    /// <summary>The destination could not be verified (a DNS temporary error); recorded as pending and retried on the next run.</summary>
    Deferred,

    /// <summary>Not sent and never will be (not mailto, suppressed, over the size limit, not authorized); recorded as skipped.</summary>
    Skipped,

    /// <summary>An earlier run already sent it or skipped it for good; nothing was done.</summary>
    AlreadyDone,

    /// <summary>A dry run: it would have been submitted; nothing was sent or recorded.</summary>
    WouldSend,
}
