using Microsoft.Extensions.Logging;
using Milter.Reporting.Storage;

namespace Milter.Reporting.History;

/// <summary>Deletes history, deliveries and incoming reports older than the retention, at start and then every hour.</summary>
public sealed class HistoryRetention
{
    /// <summary>The time between purges: one hour.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly IReportStore _store;
    private readonly TimeSpan _retention;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Purges <paramref name="store"/> of what is older than <paramref name="retentionDays"/> days.</summary>
    /// <param name="store">The report database.</param>
    /// <param name="retentionDays">How many days are kept.</param>
    /// <param name="logger">Where each purge and its failures are logged.</param>
    /// <param name="time">The clock and timer; the system clock when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="logger"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retentionDays"/> is not positive.</exception>
    public HistoryRetention(IReportStore store, int retentionDays, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, 1);
        _store = store;
        _retention = TimeSpan.FromDays(retentionDays);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Purges now and every <see cref="Interval"/> until <paramref name="cancellationToken"/> is cancelled; never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await PurgeOnceAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var before = _time.GetUtcNow() - _retention;
        try
        {
            var removed = await _store.PurgeAsync(before, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Purged {Rows} report database rows older than {Before:u}", removed, before);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Purging report database rows older than {Before:u} failed; trying again in {Interval}", before, Interval);
        }
    }
}
