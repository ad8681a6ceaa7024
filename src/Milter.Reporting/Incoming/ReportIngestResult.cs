namespace Milter.Reporting.Incoming;

/// <summary>What <see cref="ReportIngester"/> did with a batch of messages.</summary>
/// <param name="Messages">Messages looked at.</param>
/// <param name="Stored">Reports newly stored.</param>
/// <param name="Duplicates">Reports already stored (the same reporter, report id and domain), left as they were.</param>
/// <param name="NotReports">Messages that carry no report document.</param>
/// <param name="Malformed">Messages that could not be parsed, attachments that could not be unpacked, and documents that are not aggregate reports.</param>
/// <param name="Problems">One line per message not stored, or per document not stored, naming it and saying why.</param>
/// <param name="Warnings">One line per part of a stored report the reader had to skip, naming the message and document.</param>
public sealed record ReportIngestResult(
    int Messages,
    int Stored,
    int Duplicates,
    int NotReports,
    int Malformed,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings);
