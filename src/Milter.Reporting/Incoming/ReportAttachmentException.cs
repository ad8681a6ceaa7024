namespace Milter.Reporting.Incoming;

/// <summary>
/// A report attachment cannot be unpacked: a broken archive, or one over a <see cref="ReportAttachmentLimits"/> bound
/// (a decompression bomb). The message says which attachment and why.
/// </summary>
public sealed class ReportAttachmentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReportAttachmentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ReportAttachmentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
