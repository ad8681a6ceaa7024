namespace Milter.Reporting.Storage;

/// <summary>Where an outgoing report to one destination stands.</summary>
public enum ReportDeliveryStatus
{
    /// <summary>Not yet sent, or the last attempt failed; the next run tries again.</summary>
    Pending,

    /// <summary>The SMTP server accepted it.</summary>
    Sent,

    /// <summary>Not sent and never will be: an unverified external destination, a suppressed one, over the size limit, not mailto.</summary>
    Skipped,
}
