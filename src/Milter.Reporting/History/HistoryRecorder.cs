using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Milter.Reporting.Storage;

namespace Milter.Reporting.History;

/// <summary>
/// The history sink of the milter: <see cref="TryRecord"/> puts an entry on a bounded queue (never waiting for the
/// database), and <see cref="RunAsync"/> writes what is queued in batches. When the queue is full, or a batch cannot
/// be written after <see cref="MaxAttempts"/> tries, entries are dropped and counted: a report loses rows rather
/// than mail waiting on the database.
/// </summary>
public sealed class HistoryRecorder : IHistorySink, IAsyncDisposable
{
    /// <summary>The most entries written in one transaction: 500.</summary>
    public const int MaxBatch = 500;

    /// <summary>How many times a batch is tried before it is dropped: 4.</summary>
    public const int MaxAttempts = 4;

    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromMinutes(1);

    private readonly IReportStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<HistoryEntry> _queue;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _disposing = new();
    private long _dropped;
    private long _written;
    private long _lastDropWarning = long.MinValue;
    private int _running;

    /// <summary>A recorder writing to <paramref name="store"/>, queueing up to <paramref name="capacity"/> entries.</summary>
    /// <param name="store">Where entries are written.</param>
    /// <param name="capacity">The most entries waiting; further ones are dropped.</param>
    /// <param name="logger">Where dropped entries and store errors are logged.</param>
    /// <param name="time">The clock for the drop warning's rate limit and the retry delays; the system clock when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="logger"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public HistoryRecorder(IReportStore store, int capacity, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _queue = Channel.CreateBounded<HistoryEntry>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Entries waiting to be written.</summary>
    public long QueueDepth => _queue.Reader.Count;

    /// <summary>Entries dropped since start: queue full, batches that failed every attempt, or left over at shutdown.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries written to the store since start.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>The first retry waits this long, each further one twice as long as the one before. Defaults to 1 second.</summary>
    internal TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the writer lets entries gather after the first one arrives: one transaction per window instead of
    /// one per message keeps the database's share of the CPU small under load. Entries reach the store this late.
    /// </summary>
    internal TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long <see cref="RunAsync"/> keeps writing what is queued once cancelled. Defaults to 10 seconds.</summary>
    internal TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public bool TryRecord(HistoryEntry entry)
    {
        if (entry is not null && _queue.Writer.TryWrite(entry))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        WarnDropped();
        return false;
    }

    /// <summary>
    /// Writes queued entries until <paramref name="cancellationToken"/> is cancelled or the recorder is disposed; then
    /// writes what is still queued for up to <see cref="DrainTimeout"/> and counts the rest as dropped. Store errors are
    /// logged and counted, never thrown.
    /// </summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The history recorder is already running.");
        }

        var batch = new List<HistoryEntry>(MaxBatch);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping.Token).ConfigureAwait(false))
            {
                if (BatchWindow > TimeSpan.Zero && _queue.Reader.Count < MaxBatch)
                {
                    await Task.Delay(BatchWindow, stopping.Token).ConfigureAwait(false);
                }

                Fill(batch);
                await WriteAsync(batch, stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: what is queued (and the batch being written, if any) is drained below.
        }

        try
        {
            await DrainAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Refuses further entries and, when <see cref="RunAsync"/> is running, waits until it has written what was queued:
    /// at most <see cref="DrainTimeout"/> for the writes as usual, then <see cref="DrainTimeout"/> more as at cancellation.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _running) == 1)
        {
            // A store that hangs must not hang the shutdown: after the first timeout RunAsync drains as if cancelled.
            _disposing.CancelAfter(DrainTimeout);
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    private void Fill(List<HistoryEntry> batch)
    {
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }
    }

    // Clears the batch once it is written or given up; an OperationCanceledException leaves it for the drain.
    private async Task WriteAsync(List<HistoryEntry> batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendHistoryAsync(batch.ToArray(), cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (attempt == MaxAttempts)
                {
                    _logger.LogError(e, "Dropped {Count} history entries: the report database refused them {Attempts} times", batch.Count, attempt);
                    Interlocked.Add(ref _dropped, batch.Count);
                    batch.Clear();
                    return;
                }

                var delay = RetryDelay * (1 << (attempt - 1));
                _logger.LogWarning(e, "Writing {Count} history entries failed (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}",
                    batch.Count, attempt, MaxAttempts, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DrainAsync(List<HistoryEntry> batch)
    {
        using var deadline = new CancellationTokenSource(DrainTimeout, _time);
        try
        {
            while (true)
            {
                Fill(batch);
                if (batch.Count == 0)
                {
                    return;
                }

                await WriteAsync(batch, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var left = batch.Count;
            while (_queue.Reader.TryRead(out _))
            {
                left++;
            }

            Interlocked.Add(ref _dropped, left);
            _logger.LogWarning("Dropped {Count} history entries still queued {Timeout} after shutdown began", left, DrainTimeout);
        }
    }

    private void WarnDropped()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastDropWarning);
        if ((last == long.MinValue || now - last >= DropWarningInterval.Ticks) && Interlocked.CompareExchange(ref _lastDropWarning, now, last) == last)
        {
            _logger.LogWarning("The history queue is full: entries are being dropped ({Dropped} so far); the report database is too slow or down", Dropped);
        }
    }
}
