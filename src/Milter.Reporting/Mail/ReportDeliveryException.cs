namespace Milter.Reporting.Mail;

/// <summary>A report could not be handed over: the SMTP server refused it, or could not be reached.</summary>
public sealed class ReportDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReportDeliveryException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Whether a later attempt may succeed (a 4xx reply, a connection failure) rather than never (a 5xx reply).</summary>
    public bool Transient { get; init; } = true;
}
