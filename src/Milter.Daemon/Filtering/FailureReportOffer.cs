using System.Net;
using System.Text;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Protocol.Handling;
using Milter.Reporting.Failure;

namespace Milter.Daemon.Filtering;

/// <summary>
/// Offers the failure reporter (RFC 9991) each DMARC evaluation whose record has <c>ruf</c> destinations; the
/// reporter decides from <c>fo</c>, the result and its rate limit whether a report is due. Shared by all connections.
/// </summary>
internal sealed class FailureReportOffer
{
    private readonly FailureReporter _reporter;
    private readonly TimeProvider _clock;

    /// <param name="reporter">The reporter, with <c>FailureReports</c> on.</param>
    /// <param name="clock">The arrival time of reported messages.</param>
    public FailureReportOffer(FailureReporter reporter, TimeProvider clock)
    {
        _reporter = reporter;
        _clock = clock;
    }

    /// <summary>Offers every evaluation of the message that has <c>ruf</c> destinations; returns how many were queued.</summary>
    public int Offer(MilterContext context, IPAddress source, DmarcVerdict verdict, SpfVerdict? spf, DkimVerdict? dkim, string authenticationResults)
    {
        var queued = 0;
        string? headers = null;
        foreach (var evaluation in verdict.Check.Evaluations)
        {
            if (evaluation.Record is not { FailureReportUris.Count: > 0 } record)
            {
                continue;
            }

            headers ??= Headers(context.Headers);
            var request = new FailureReportRequest(
                evaluation.PolicyDomain ?? evaluation.AuthorDomain,
                record.FailureReportUris,
                record.FailureReportingOptions,
                source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source,
                evaluation.AuthorDomain,
                context.Sender?.Address ?? string.Empty,
                [.. context.Recipients.Select(r => r.Address)],
                _clock.GetUtcNow(),
                Signatures(evaluation, record, dkim),
                Spf(evaluation, record, spf),
                evaluation.Result,
                headers,
                authenticationResults,
                context.QueueId)
            {
                PublicSuffixDomainRecord = record.Psd == DmarcPsd.Yes,
            };
            queued += _reporter.TryQueue(request) ? 1 : 0;
        }

        return queued;
    }

    // Only the header block goes into a failure report; the milter has it as received.
    private static string Headers(IReadOnlyList<MilterHeader> headers)
    {
        var text = new StringBuilder();
        foreach (var header in headers)
        {
            text.Append(header.Name).Append(':').Append(header.Value.ReplaceLineEndings("\r\n")).Append("\r\n");
        }

        return text.ToString();
    }

    private static FailureReportDkim[] Signatures(DmarcEvaluation evaluation, DmarcRecord record, DkimVerdict? dkim) => dkim is null
        ? []
        : [.. dkim.Signatures.Where(s => s.Domain is not null).Select(s => new FailureReportDkim(
            s.Domain!,
            s.Selector ?? string.Empty,
            DmarcEnforcer.Outcome(s.Result),
            evaluation.DkimAligned is { } aligned && aligned.Domain.Equals(s.Domain, StringComparison.OrdinalIgnoreCase)
                || Aligned(s.Domain!, evaluation, record.DkimAlignment)))];

    private static FailureReportSpf Spf(DmarcEvaluation evaluation, DmarcRecord record, SpfVerdict? spf) => spf is null
        ? FailureReportSpf.NotChecked
        : new FailureReportSpf(spf.MailFrom.Domain, spf.MailFrom.Result, evaluation.SpfAligned || Aligned(spf.MailFrom.Domain, evaluation, record.SpfAlignment));

    // Strict: the same name. Relaxed: under the author's organizational domain, which the evaluation found when it
    // needed it (otherwise the policy domain stands in, the record having been found there).
    private static bool Aligned(string domain, DmarcEvaluation evaluation, DmarcAlignmentMode mode)
    {
        var name = domain.TrimEnd('.');
        if (name.Equals(evaluation.AuthorDomain, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (mode == DmarcAlignmentMode.Strict || (evaluation.OrganizationalDomain ?? evaluation.PolicyDomain) is not { } organization)
        {
            return false;
        }

        return name.Equals(organization, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + organization, StringComparison.OrdinalIgnoreCase);
    }
}
