using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// Sends each period's aggregate reports when the period is over: <see cref="SettleDelay"/> after its end, so the
/// history of messages evaluated in its last moments is written first. On start it sends the latest period already
/// due, so a period that ended while the daemon was down is not lost (one already sent is not sent again).
/// </summary>
/// <param name="sender">Sends one period's reports.</param>
/// <param name="options">The reporting period (<see cref="ReportingOptions.Interval"/>).</param>
/// <param name="timeProvider">The clock; the system clock when null.</param>
/// <param name="logger">Where failed runs are logged; nowhere when null.</param>
public sealed class ReportScheduler(ReportSender sender, ReportingOptions options, TimeProvider? timeProvider = null, ILogger<ReportScheduler>? logger = null)
{
    /// <summary>How long after a period ends its reports are sent: time for the history queue to reach the store.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>The latest period whose reports are due at <paramref name="now"/>: it ended at least <see cref="SettleDelay"/> ago.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive or does not divide a day.</exception>
    public static ReportPeriod DuePeriod(DateTimeOffset now, TimeSpan interval) => ReportPeriod.Containing(now - SettleDelay, interval).Previous;

    /// <summary>Sends every period's reports as it becomes due, until <paramref name="cancellationToken"/> is cancelled; a failed run is logged and the loop goes on.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = options.Interval;
        var due = DuePeriod(_time.GetUtcNow(), interval);
        while (true)
        {
            try
            {
                var result = await sender.SendAsync(due, dryRun: false, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Aggregate reports for {Period}: {Sent} sent, {Failed} failed, {Deferred} deferred, {Skipped} skipped",
                    due,
                    result.Destinations.Count(d => d.Outcome == ReportDestinationOutcome.Sent),
                    result.Destinations.Count(d => d.Outcome == ReportDestinationOutcome.Failed),
                    result.Destinations.Count(d => d.Outcome == ReportDestinationOutcome.Deferred),
                    result.Destinations.Count(d => d.Outcome == ReportDestinationOutcome.Skipped));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A store or network fault must not end reporting: pending deliveries are retried with the next period.
                _logger.LogError(exception, "Aggregate reports for {Period} failed", due);
            }

            due = new ReportPeriod(due.End, due.End + interval);
            var latest = DuePeriod(_time.GetUtcNow(), interval);
            if (due.Begin < latest.Begin - ReportSender.RetryWindow)
            {
                // The clock jumped far ahead (or the host slept): periods older than the retry window are not caught up one by one.
                due = latest;
            }

            var wait = due.End + SettleDelay - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
