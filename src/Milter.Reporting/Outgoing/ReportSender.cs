using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Milter.Authentication.Dmarc;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Mail;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// Sends the aggregate reports of one period: for every policy domain with history, builds the report once and
/// hands it to each <c>mailto</c> destination of the domain's <c>rua</c> that is not suppressed, within its size
/// limit and verified; records every delivery so a report is sent once and a failed one is retried on later runs.
/// Several milters sharing a database take turns through the store's lease, so only one sends.
/// </summary>
public sealed class ReportSender
{
    /// <summary>The name of the store lease taken while sending.</summary>
    public const string LeaseName = "aggregate-reports";

    /// <summary>
    /// How long the lease is taken for; renewed before each domain, so a process that dies mid-run blocks others only
    /// this long.
    /// </summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(30);

    /// <summary>How far back pending deliveries of earlier periods are retried: after this they are given up.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromDays(7);

    private readonly IReportStore _store;
    private readonly ReportBuilder _builder;
    private readonly ReportDestinationVerifier _verifier;
    private readonly IMailSubmitter _submitter;
    private readonly ReportingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MailboxAddress _from;

    /// <summary>Creates a sender.</summary>
    /// <param name="store">The history and the delivery records.</param>
    /// <param name="builder">Builds each domain's report.</param>
    /// <param name="verifier">Verifies destinations outside the policy domain.</param>
    /// <param name="submitter">Hands the mail to the smarthost.</param>
    /// <param name="options">Our contact address (the From of report mail) and the suppressed destinations.</param>
    /// <param name="timeProvider">The clock for Date headers and delivery times; the system clock when null.</param>
    /// <param name="logger">Where failures and skipped destinations are logged; nowhere when null.</param>
    /// <exception cref="ArgumentException"><see cref="ReportingOptions.Contact"/> is not a mail address with a domain.</exception>
    public ReportSender(
        IReportStore store,
        ReportBuilder builder,
        ReportDestinationVerifier verifier,
        IMailSubmitter submitter,
        ReportingOptions options,
        TimeProvider? timeProvider = null,
        ILogger<ReportSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(submitter);
        ArgumentNullException.ThrowIfNull(options);
        if (!MailboxAddress.TryParse(options.Contact, out var from) || from.Domain.Length == 0)
        {
            throw new ArgumentException($"The report contact '{options.Contact}' is not a mail address with a domain.", nameof(options));
        }

        _store = store;
        _builder = builder;
        _verifier = verifier;
        _submitter = submitter;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _from = from;
    }

    /// <summary>Who takes the lease: this host and process. Defaults to <c>host:pid</c>.</summary>
    public string LeaseHolder { get; init; } = $"{System.Net.Dns.GetHostName()}:{Environment.ProcessId}";

    /// <summary>
    /// Sends the reports of <paramref name="period"/>, after retrying the pending deliveries of periods that began
    /// within <see cref="RetryWindow"/> before it.
    /// </summary>
    /// <param name="period">The period to report.</param>
    /// <param name="dryRun">Build everything and say where it would go, but submit nothing and record nothing (the lease is not taken either).</param>
    /// <param name="cancellationToken">Stops the run; deliveries already recorded stay recorded.</param>
    /// <returns>What happened per destination; <see cref="ReportSendResult.LeaseHeldElsewhere"/> when another process is sending.</returns>
    public async Task<ReportSendResult> SendAsync(ReportPeriod period, bool dryRun, CancellationToken cancellationToken)
    {
        var results = new List<ReportDestinationResult>();
        if (!dryRun && !await _store.TryAcquireLeaseAsync(LeaseName, LeaseHolder, LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            _logger.LogInformation("Aggregate reports for {Period}: another process holds the send lease, nothing sent", period);
            return new ReportSendResult(results) { LeaseHeldElsewhere = true };
        }

        try
        {
            var earlier = await _store.DeliveriesAsync(period.Begin - RetryWindow, cancellationToken).ConfigureAwait(false);
            var retries = earlier
                .Where(d => d.Status == ReportDeliveryStatus.Pending && d.PeriodBegin < period.Begin)
                .GroupBy(d => (d.Domain, d.PeriodBegin, d.PeriodEnd))
                .OrderBy(g => g.Key.PeriodBegin)
                .ThenBy(g => g.Key.Domain, StringComparer.Ordinal);
            foreach (var retry in retries)
            {
                if (!await RenewLeaseAsync(dryRun, cancellationToken).ConfigureAwait(false))
                {
                    return new ReportSendResult(results) { LeaseHeldElsewhere = true };
                }

                var destinations = retry.Select(d => d.Destination).ToHashSet(StringComparer.Ordinal);
                var retryPeriod = new ReportPeriod(retry.Key.PeriodBegin, retry.Key.PeriodEnd);
                await SendDomainAsync(retryPeriod, retry.Key.Domain, destinations, dryRun, results, cancellationToken).ConfigureAwait(false);
            }

            var domains = await _store.ReportedDomainsAsync(period.Begin, period.End, cancellationToken).ConfigureAwait(false);
            foreach (var domain in domains)
            {
                if (!await RenewLeaseAsync(dryRun, cancellationToken).ConfigureAwait(false))
                {
                    return new ReportSendResult(results) { LeaseHeldElsewhere = true };
                }

                await SendDomainAsync(period, domain, null, dryRun, results, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!dryRun)
            {
                // Not the run's token: a cancelled run still gives the lease up for the next process.
                await _store.ReleaseLeaseAsync(LeaseName, LeaseHolder, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new ReportSendResult(results);
    }

    private async Task<bool> RenewLeaseAsync(bool dryRun, CancellationToken cancellationToken)
    {
        if (dryRun || await _store.TryAcquireLeaseAsync(LeaseName, LeaseHolder, LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        _logger.LogWarning("Aggregate reports: the send lease passed to another process mid-run; stopping");
        return false;
    }

    private async Task SendDomainAsync(
        ReportPeriod period, string domain, IReadOnlySet<string>? only, bool dryRun, List<ReportDestinationResult> results, CancellationToken cancellationToken)
    {
        var history = await _store.ReadHistoryAsync(domain, period.Begin, period.End, cancellationToken).ConfigureAwait(false);
        if (history is null || !DmarcRecord.TryParse(history.PolicyRecord, out var record))
        {
            return;
        }

        AggregateReport report;
        byte[] compressed;
        string fileName;
        try
        {
            report = _builder.Build(history, period);
            using var xml = new MemoryStream();
            AggregateReportWriter.Write(report, xml);
            compressed = ReportFile.Compress(xml.GetBuffer().AsSpan(0, (int)xml.Length));

            // Named here, where a domain that cannot be part of the file name fails this report only.
            fileName = ReportFile.FileName(ReportMailComposer.ReceiverDomain(_from.Address), domain, period);
        }
        catch (ArgumentException exception)
        {
            _logger.LogError(exception, "Aggregate report for {Domain} {Period} cannot be built", domain, period);
            results.Add(new ReportDestinationResult(domain, period, "-", ReportDestinationOutcome.Failed, $"the report cannot be built: {exception.Message}"));
            return;
        }

        var destinations = record.AggregateReportUris
            .DistinctBy(u => u.Uri.OriginalString, StringComparer.Ordinal)
            .Where(u => only is null || only.Contains(u.Uri.OriginalString));
        foreach (var uri in destinations)
        {
            var result = await SendOneAsync(report, compressed, fileName, uri, dryRun, cancellationToken).ConfigureAwait(false);
            results.Add(result with { Size = compressed.Length, ReportId = report.Metadata.ReportId });
        }
    }

    private async Task<ReportDestinationResult> SendOneAsync(AggregateReport report, byte[] compressed, string fileName, DmarcReportUri uri, bool dryRun, CancellationToken cancellationToken)
    {
        var domain = report.Policy.Domain;
        var period = new ReportPeriod(report.Metadata.Begin, report.Metadata.End);
        var destination = uri.Uri.OriginalString;
        var existing = await _store.FindDeliveryAsync(domain, period.Begin, destination, cancellationToken).ConfigureAwait(false);
        if (existing is { Status: not ReportDeliveryStatus.Pending })
        {
            return Result(ReportDestinationOutcome.AlreadyDone, existing.Status == ReportDeliveryStatus.Sent ? "sent earlier" : $"skipped earlier: {existing.LastError}");
        }

        var delivery = existing ?? new ReportDelivery(domain, period.Begin, period.End, destination, report.Metadata.ReportId, ReportDeliveryStatus.Pending);
        delivery = delivery with { ReportId = report.Metadata.ReportId, Size = compressed.Length };

        if (MailAddress(uri) is not { } mailbox)
        {
            return await SkipAsync("not a mailto: URI with one mail address; only mail delivery is supported").ConfigureAwait(false);
        }

        if (_options.Suppress.Contains(mailbox.Address) || _options.Suppress.Contains(mailbox.Domain))
        {
            return await SkipAsync("suppressed by ReportSuppress").ConfigureAwait(false);
        }

        // RFC 7489's size suffix; RFC 9989 made it obsolete, but a domain that still publishes it asked for no more.
        if (uri.MaxSize is { } maxSize && compressed.Length > maxSize)
        {
            return await SkipAsync(string.Create(CultureInfo.InvariantCulture, $"the report is {compressed.Length} bytes, over the {maxSize}-byte limit of the rua URI")).ConfigureAwait(false);
        }

        switch (await _verifier.VerifyAsync(domain, mailbox.Domain, cancellationToken).ConfigureAwait(false))
        {
            case DestinationVerdict.NotAuthorized:
                return await SkipAsync($"{mailbox.Domain} did not authorize reports for {domain} (no v=DMARC1 record at {domain}._report._dmarc.{mailbox.Domain})").ConfigureAwait(false);
            case DestinationVerdict.TemporaryFailure:
                var why = $"verifying {mailbox.Domain} failed with a DNS temporary error; retried on the next run";
                _logger.LogWarning("Aggregate report for {Domain} {Period} to {Destination}: {Reason}", domain, period, destination, why);
                await SaveAsync(delivery with { Status = ReportDeliveryStatus.Pending, LastError = why }).ConfigureAwait(false);
                return Result(ReportDestinationOutcome.Deferred, why);
        }

        if (dryRun)
        {
            return Result(ReportDestinationOutcome.WouldSend, $"would send {fileName} to {mailbox.Address}");
        }

        var message = ReportMailComposer.Compose(report, compressed, _from, mailbox, _time.GetUtcNow());
        var attempted = delivery with { Attempts = delivery.Attempts + 1, LastAttempt = _time.GetUtcNow() };
        try
        {
            await _submitter.SubmitAsync(message, _from, [mailbox], cancellationToken).ConfigureAwait(false);
        }
        catch (ReportDeliveryException exception)
        {
            // Pending even on a permanent refusal: the refusing server is our own smarthost, whose configuration can be
            // fixed, and retries end with the retry window anyway.
            _logger.LogWarning(exception, "Aggregate report for {Domain} {Period} to {Destination} not sent (attempt {Attempts}): {Reason}",
                domain, period, destination, attempted.Attempts, exception.Message);
            await _store.SaveDeliveryAsync(attempted with { Status = ReportDeliveryStatus.Pending, LastError = exception.Message }, cancellationToken).ConfigureAwait(false);
            return Result(ReportDestinationOutcome.Failed, exception.Message);
        }

        await _store.SaveDeliveryAsync(attempted with { Status = ReportDeliveryStatus.Sent, LastError = null }, CancellationToken.None).ConfigureAwait(false);
        _logger.LogInformation("Aggregate report {ReportId} for {Domain} {Period} sent to {Destination} ({Size} bytes)",
            report.Metadata.ReportId, domain, period, destination, compressed.Length);
        return Result(ReportDestinationOutcome.Sent, mailbox.Address);

        ReportDestinationResult Result(ReportDestinationOutcome outcome, string? detail) => new(domain, period, destination, outcome, detail);

        async Task SaveAsync(ReportDelivery update)
        {
            if (!dryRun)
            {
                await _store.SaveDeliveryAsync(update with { LastAttempt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            }
        }

        async Task<ReportDestinationResult> SkipAsync(string reason)
        {
            _logger.LogInformation("Aggregate report for {Domain} {Period} to {Destination} skipped: {Reason}", domain, period, destination, reason);
            await SaveAsync(delivery with { Status = ReportDeliveryStatus.Skipped, LastError = reason }).ConfigureAwait(false);
            return Result(ReportDestinationOutcome.Skipped, reason);
        }
    }

    // mailto:addr[?hfields] (RFC 6068): one address, percent-decoded; header fields such as ?subject= are ignored.
    private static MailboxAddress? MailAddress(DmarcReportUri uri)
    {
        if (!uri.Uri.Scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var text = uri.Uri.OriginalString[(uri.Uri.OriginalString.IndexOf(':') + 1)..];
        var query = text.IndexOf('?');
        var address = Uri.UnescapeDataString(query < 0 ? text : text[..query]);
        return !address.Contains(',') && MailboxAddress.TryParse(address, out var mailbox) && mailbox.Domain.Length > 0 && mailbox.LocalPart.Length > 0
            ? mailbox
            : null;
    }
}
