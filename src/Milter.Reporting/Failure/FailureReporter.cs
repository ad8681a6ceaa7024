using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Milter.Authentication.Dmarc;
using Milter.Reporting.Mail;
using Milter.Reporting.Outgoing;
using MimeKit;

namespace Milter.Reporting.Failure;

/// <summary>
/// Sends DMARC failure reports (RFC 9991) in the background. The milter offers each evaluated message with
/// <see cref="TryQueue"/>, which decides at once, without I/O, whether a report is due (<see cref="ReportingOptions.FailureReports"/>,
/// the record's <c>fo</c>, the per-domain rate limit) and queues it; <see cref="RunAsync"/> sends queued reports to
/// each <c>mailto:</c> destination of <c>ruf</c> that is not suppressed and that agreed to receive them. Reports are
/// best effort: a destination that fails is logged and not retried, and mail is never held for a report.
/// </summary>
public sealed class FailureReporter
{
    /// <summary>
    /// Most reports waiting to be sent; past it new ones are dropped. Each holds a header block, so the queue is kept
    /// short: the rate limit, not the queue, is what spreads reports out.
    /// </summary>
    public const int QueueCapacity = 100;

    private readonly ReportingOptions _options;
    private readonly IMailSubmitter _submitter;
    private readonly ReportDestinationVerifier _verifier;
    private readonly ILogger _logger;
    private readonly FailureReportRateLimiter _rateLimiter;
    private readonly FailureReportComposer? _composer;
    private readonly MailboxAddress? _sender;
    private readonly Channel<FailureReportRequest> _queue =
        Channel.CreateBounded<FailureReportRequest>(new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

    private long _sent;
    private long _dropped;

    /// <summary>Creates the reporter; nothing is sent until <see cref="RunAsync"/> runs.</summary>
    /// <param name="options">FailureReports, FailureReportRate, Contact (the From and MAIL FROM of reports), Suppress.</param>
    /// <param name="submitter">Hands reports to the smarthost.</param>
    /// <param name="verifier">Checks external destinations.</param>
    /// <param name="logger">Where decisions and failures are logged.</param>
    /// <param name="timeProvider">The clock of the rate limit and of report dates; the system clock when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="timeProvider"/> is null.</exception>
    /// <exception cref="ArgumentException">Failure reports are on and <see cref="ReportingOptions.Contact"/> is not an email address.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Failure reports are on and <see cref="ReportingOptions.FailureReportRate"/> is negative.</exception>
    public FailureReporter(
        ReportingOptions options,
        IMailSubmitter submitter,
        ReportDestinationVerifier verifier,
        ILogger logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(submitter);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _submitter = submitter;
        _verifier = verifier;
        _logger = logger;
        var clock = timeProvider ?? TimeProvider.System;

        // With failure reports off the contact and rate are never used, so they are only checked when on.
        if (options.FailureReports)
        {
            if (!MailboxAddress.TryParse(options.Contact, out _sender) || _sender.Domain.Length == 0)
            {
                throw new ArgumentException($"ReportContact '{options.Contact}' is not an email address.", nameof(options));
            }

            if (options.FailureReportRate < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.FailureReportRate, "FailureReportRate must not be negative.");
            }

            _composer = new FailureReportComposer(_sender, clock);
        }

        _rateLimiter = new FailureReportRateLimiter(Math.Max(options.FailureReportRate, 0), clock);
    }

    /// <summary>Report messages the smarthost accepted (one per destination).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>
    /// Reports <c>fo</c> asked for that were not sent: rate-limited or queue full (one per message), or a destination
    /// that was not authorized, could not be verified or did not accept the report (one per destination). Suppressed
    /// and non-<c>mailto</c> destinations are not counted: they were never to be sent to.
    /// </summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Queues a failure report about <paramref name="request"/>'s message when one is due. Never blocks, never
    /// throws, does no I/O. False when no report will be sent; the reason is logged at debug level.
    /// </summary>
    public bool TryQueue(FailureReportRequest request)
    {
        if (request is null)
        {
            return false;
        }

        var reason = ReasonNotToReport(request);
        if (reason is null && !_rateLimiter.TryAcquire(request.PolicyDomain))
        {
            Interlocked.Increment(ref _dropped);
            reason = $"more than {_options.FailureReportRate} reports for this domain in the last hour";
        }

        if (reason is null && !_queue.Writer.TryWrite(request))
        {
            Interlocked.Increment(ref _dropped);
            reason = $"the queue of {QueueCapacity} reports is full";
        }

        if (reason is not null)
        {
            FailureReportLog.NotReported(_logger, QueueId(request), request.PolicyDomain, reason);
            return false;
        }

        return true;
    }

    /// <summary>Sends queued reports until <paramref name="cancellationToken"/> is cancelled; reports still queued then are not sent.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var uri in request.ReportUris)
                {
                    await SendAsync(request, uri, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: failure reports are best effort, the queue is not persisted.
        }
    }

    private string? ReasonNotToReport(FailureReportRequest request)
    {
        if (!_options.FailureReports)
        {
            return "FailureReports is off";
        }

        if (request.ReportUris.Count == 0)
        {
            return "the record has no ruf";
        }

        if (request.PublicSuffixDomainRecord)
        {
            return "ruf of a psd=y record is not used (RFC 9991 section 2)";
        }

        if (request.DmarcResult is not (DmarcResult.Pass or DmarcResult.Fail))
        {
            return $"DMARC result {DmarcEvaluation.Name(request.DmarcResult)} says nothing about alignment";
        }

        var fo = FailureReportingOptions.Parse(request.FailureOptions);
        return fo.ShouldReport(request.Spf, request.Dkim) ? null : $"fo={fo} does not ask for a report of these results";
    }

    private async Task SendAsync(FailureReportRequest request, DmarcReportUri uri, CancellationToken cancellationToken)
    {
        var queueId = QueueId(request);
        var destination = uri.Uri.OriginalString;
        if (!string.Equals(uri.Uri.Scheme, "mailto", StringComparison.OrdinalIgnoreCase))
        {
            FailureReportLog.DestinationSkipped(_logger, queueId, request.PolicyDomain, destination, "only mailto: destinations are supported");
            return;
        }

        if (MailtoAddress(uri.Uri) is not { } address)
        {
            FailureReportLog.DestinationSkipped(_logger, queueId, request.PolicyDomain, destination, "not one email address");
            return;
        }

        if (_options.Suppress.Contains(address.Address) || _options.Suppress.Contains(address.Domain))
        {
            FailureReportLog.DestinationSkipped(_logger, queueId, request.PolicyDomain, destination, "suppressed by ReportSuppress");
            return;
        }

        try
        {
            var verdict = await _verifier.VerifyAsync(request.PolicyDomain, address.Domain, cancellationToken).ConfigureAwait(false);
            if (verdict != DestinationVerdict.Allowed)
            {
                Interlocked.Increment(ref _dropped);
                FailureReportLog.DestinationRefused(_logger, queueId, request.PolicyDomain, destination,
                    verdict == DestinationVerdict.NotAuthorized
                        ? $"{address.Domain} did not authorize reports for {request.PolicyDomain}"
                        : $"the authorization of {address.Domain} could not be looked up (DNS temporary error)");
                return;
            }

            using var message = _composer!.Compose(request, address);
            await _submitter.SubmitAsync(message, _sender!, [address], cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            FailureReportLog.Sent(_logger, queueId, request.PolicyDomain, destination);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // ReportDeliveryException is the expected failure; anything else from a submitter or the DNS must not end
            // the loop either, since later reports do not depend on this one.
            Interlocked.Increment(ref _dropped);
            FailureReportLog.SendFailed(_logger, exception, queueId, request.PolicyDomain, destination);
        }
    }

    /// <summary>The single address of a <c>mailto:</c> URI (RFC 6068), without <c>?</c> header fields; null when it is not one address.</summary>
    private static MailboxAddress? MailtoAddress(Uri uri)
    {
        var text = uri.OriginalString;
        var start = text.IndexOf(':') + 1;
        var end = text.IndexOf('?', start);
        var to = Uri.UnescapeDataString(end < 0 ? text[start..] : text[start..end]);
        return to.Contains(',') || !MailboxAddress.TryParse(to, out var address) || address.Domain.Length == 0
            ? null
            : address;
    }

    private static string QueueId(FailureReportRequest request) => request.QueueId ?? "-";
}
