namespace Milter.Reporting.Aggregate;

/// <summary>What <see cref="AggregateReportReader.Read"/> made of a document: the report and what it had to leave out.</summary>
/// <param name="Report">The report, holding every record that could be used.</param>
/// <param name="Warnings">
/// One line per part of the document that was skipped (a record without a usable source IP or count, an auth result
/// without a domain, …) or defaulted, naming the record by its position (1-based); empty when nothing was.
/// </param>
public sealed record AggregateReadResult(AggregateReport Report, IReadOnlyList<string> Warnings);
