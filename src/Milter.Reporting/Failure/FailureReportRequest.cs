using System.Net;
using Milter.Authentication.Dmarc;

namespace Milter.Reporting.Failure;

/// <summary>
/// One message the milter evaluated under a DMARC record with <c>ruf</c> destinations: what a failure report about it
/// says (RFC 9991, in the RFC 6591 format). The milter builds it at end of message and hands it to
/// <see cref="FailureReporter.TryQueue"/>; whether a report is due is decided there, from <see cref="FailureOptions"/>.
/// </summary>
/// <param name="PolicyDomain">The domain whose DMARC record applied; the rate limit counts per policy domain.</param>
/// <param name="ReportUris">The record's <c>ruf</c> URIs (<see cref="DmarcRecord.FailureReportUris"/>).</param>
/// <param name="FailureOptions">The record's <c>fo</c> tag as <see cref="DmarcRecord.FailureReportingOptions"/> gives it.</param>
/// <param name="SourceIp">The SMTP client's address (<c>Source-IP</c>).</param>
/// <param name="HeaderFromDomain">The RFC5322.From domain (<c>Reported-Domain</c>).</param>
/// <param name="EnvelopeFrom">The MAIL FROM address without brackets; empty for the null reverse-path (<c>Original-Mail-From</c>).</param>
/// <param name="EnvelopeTo">The RCPT TO addresses (one <c>Original-Rcpt-To</c> each).</param>
/// <param name="ArrivalDate">When the message arrived (<c>Arrival-Date</c>).</param>
/// <param name="Dkim">Every DKIM signature checked, in header order; empty when the message had none.</param>
/// <param name="Spf">The SPF check.</param>
/// <param name="DmarcResult">The DMARC result for <paramref name="HeaderFromDomain"/>; only pass and fail are reported.</param>
/// <param name="Headers">
/// The message's header block as received (CRLF or LF line ends). Only headers are ever sent: text from the first
/// empty line on, should the caller pass more, is left out.
/// </param>
/// <param name="AuthenticationResults">The value of the Authentication-Results header we added (authserv-id and results).</param>
/// <param name="QueueId">The MTA's queue id (<c>Original-Envelope-Id</c>), or null when unknown.</param>
public sealed record FailureReportRequest(
    string PolicyDomain,
    IReadOnlyList<DmarcReportUri> ReportUris,
    string FailureOptions,
    IPAddress SourceIp,
    string HeaderFromDomain,
    string EnvelopeFrom,
    IReadOnlyList<string> EnvelopeTo,
    DateTimeOffset ArrivalDate,
    IReadOnlyList<FailureReportDkim> Dkim,
    FailureReportSpf Spf,
    DmarcResult DmarcResult,
    string Headers,
    string AuthenticationResults,
    string? QueueId)
{
    /// <summary>
    /// Whether the record that applied carries <c>psd=y</c>. RFC 9991 section 2: its <c>ruf</c> must not be used
    /// without a specific agreement, so such requests are never reported.
    /// </summary>
    public bool PublicSuffixDomainRecord { get; init; }
}
