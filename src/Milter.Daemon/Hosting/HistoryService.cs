using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Reporting.History;

namespace Milter.Daemon.Hosting;

/// <summary>
/// Runs the history recorder's writer and the retention purge for the host's lifetime; nothing when the history is
/// off. Registered before the milter listener so it stops after it: no handler records any more when the recorder
/// drains its queue.
/// </summary>
internal sealed class HistoryService : BackgroundService
{
    private readonly ReportHistory _history;
    private readonly MilterSettings _settings;
    private readonly ILoggerFactory _loggerFactory;

    public HistoryService(ReportHistory history, MilterSettings settings, ILoggerFactory loggerFactory)
    {
        _history = history;
        _settings = settings;
        _loggerFactory = loggerFactory;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_history.Store is not { } store || _history.Recorder is not { } recorder)
        {
            return Task.CompletedTask;
        }

        var retention = new HistoryRetention(store, _settings.Reporting.HistoryRetentionDays, _loggerFactory.CreateLogger("authmilter.history"));
        return Task.WhenAll(recorder.RunAsync(stoppingToken), retention.RunAsync(stoppingToken));
    }
}
