namespace Milter.Reporting.Aggregate;

/// <summary>
/// The input is not a DMARC aggregate report that can be read: not well-formed XML, a DTD or entity declaration, larger
/// than <see cref="AggregateReadOptions.MaxCharactersInDocument"/>, a root element other than <c>feedback</c>, or a
/// report without a report id, a period or a policy domain.
/// </summary>
public sealed class AggregateReportFormatException : Exception
{
    /// <summary>Creates the exception with the reason the document was refused.</summary>
    /// <param name="message">Why the document is not a readable aggregate report.</param>
    public AggregateReportFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the XML error behind it.</summary>
    /// <param name="message">Why the document is not a readable aggregate report.</param>
    /// <param name="innerException">The parser's error.</param>
    public AggregateReportFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
