using Milter.Reporting.Aggregate;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Incoming;

/// <summary>
/// Stores the aggregate reports others mail us: per message, the report documents are unpacked
/// (<see cref="ReportAttachmentExtractor"/>), read (<see cref="AggregateReportReader"/>) and added to the store,
/// which keeps a report sent twice once.
/// </summary>
public sealed class ReportIngester
{
    private readonly IReportStore _store;
    private readonly ReportAttachmentExtractor _extractor;
    private readonly TimeProvider _time;

    /// <summary>Creates an ingester writing to <paramref name="store"/>.</summary>
    /// <param name="store">Where reports go; migrated by the caller.</param>
    /// <param name="extractor">Unpacks attachments; null for one with the default limits.</param>
    /// <param name="time">Gives the time of receipt stored with each report; null for the system clock.</param>
    public ReportIngester(IReportStore store, ReportAttachmentExtractor? extractor = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _extractor = extractor ?? new ReportAttachmentExtractor();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Stores the reports in <paramref name="messages"/>. A message that cannot be parsed, is not a report or holds
    /// a broken one is counted and named in <see cref="ReportIngestResult.Problems"/>; the others go on.
    /// </summary>
    /// <remarks>
    /// A store failure is not a problem of the message: it propagates, and what was stored before it stays (running
    /// again stores each report once).
    /// </remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ReportIngestResult> IngestAsync(IEnumerable<MailboxMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tally = new Tally();
        foreach (var message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tally.Messages++;
            await IngestAsync(message, tally, cancellationToken).ConfigureAwait(false);
        }

        return new ReportIngestResult(tally.Messages, tally.Stored, tally.Duplicates, tally.NotReports, tally.Malformed, tally.Problems, tally.Warnings);
    }

    private async Task IngestAsync(MailboxMessage message, Tally tally, CancellationToken cancellationToken)
    {
        var name = message.Describe();
        if (message.Message is not { } mime)
        {
            tally.Malformed++;
            tally.Problems.Add($"{name}: {message.Error}");
            return;
        }

        IReadOnlyList<ReportDocument> documents;
        try
        {
            documents = _extractor.Extract(mime);
        }
        catch (ReportAttachmentException exception)
        {
            tally.Malformed++;
            tally.Problems.Add($"{name}: {exception.Message}");
            return;
        }

        if (documents.Count == 0)
        {
            tally.NotReports++;
            tally.Problems.Add($"{name}: not a report: no XML, gzip or zip part");
            return;
        }

        foreach (var document in documents)
        {
            AggregateReadResult read;
            try
            {
                using (document.Content)
                {
                    read = AggregateReportReader.Read(document.Content);
                }
            }
            catch (AggregateReportFormatException exception)
            {
                tally.Malformed++;
                tally.Problems.Add($"{name}: {document.Name}: {exception.Message}");
                continue;
            }

            tally.Warnings.AddRange(read.Warnings.Select(warning => $"{name}: {document.Name}: {warning}"));
            if (await _store.AddIncomingReportAsync(read.Report, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                tally.Stored++;
            }
            else
            {
                tally.Duplicates++;
            }
        }
    }

    private sealed class Tally
    {
        public int Messages { get; set; }

        public int Stored { get; set; }

        public int Duplicates { get; set; }

        public int NotReports { get; set; }

        public int Malformed { get; set; }

        public List<string> Problems { get; } = [];

        public List<string> Warnings { get; } = [];
    }
}
