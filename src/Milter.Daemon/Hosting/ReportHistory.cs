using System.Data.Common;
using Microsoft.Extensions.Logging;
using Milter.Reporting;
using Milter.Reporting.History;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Hosting;

/// <summary>
/// The report database and the history recorder in front of it, for everything in the daemon that needs them (the
/// milter's handlers through <see cref="Recorder"/>, the HTTP endpoints and the report scheduler through
/// <see cref="Store"/>). Both are null when <c>ReportStore none</c> is set or the database could not be opened or
/// migrated: mail then flows without history. One instance per daemon, registered in DI; whoever opened it closes it
/// (<see cref="CloseAsync"/>), not the container.
/// </summary>
internal sealed class ReportHistory
{
    // A database that does not answer must not keep the milter from starting for longer than this.
    private static readonly TimeSpan MigrateTimeout = TimeSpan.FromSeconds(30);

    private ReportHistory(IReportStore? store, HistoryRecorder? recorder, string name)
    {
        Store = store;
        Recorder = recorder;
        Name = name;
    }

    /// <summary>The open, migrated report database; null when the history is off.</summary>
    public IReportStore? Store { get; }

    /// <summary>The sink the handlers record into; null when the history is off.</summary>
    public HistoryRecorder? Recorder { get; }

    /// <summary>The store as logs may name it: the SQLite path, or the PostgreSQL host and database without credentials.</summary>
    public string Name { get; }

    /// <summary>
    /// Opens and migrates the store <paramref name="options"/> names. A store that cannot be opened or migrated is
    /// logged as an error naming it and gives a history that is off; this never throws for a bad database.
    /// </summary>
    public static async Task<ReportHistory> OpenAsync(ReportingOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("authmilter");
        var name = DisplayName(options.Store);
        IReportStore? store = null;
        try
        {
            store = ReportStores.Open(options.Store, loggerFactory);
            if (store is null)
            {
                return new ReportHistory(null, null, name);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(MigrateTimeout);
            await store.MigrateAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ArgumentException or DbException or IOException or UnauthorizedAccessException
            or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException
            or TypeInitializationException or DllNotFoundException
            || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            HistoryLog.StoreUnavailable(logger, name, exception.Message);
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            return new ReportHistory(null, null, name);
        }

        HistoryLog.StoreOpened(logger, name, options.HistoryRetentionDays);
        var recorder = new HistoryRecorder(store, options.HistoryQueueSize, loggerFactory.CreateLogger("authmilter.history"));
        return new ReportHistory(store, recorder, name);
    }

    /// <summary>Stops the recorder (waiting for it to write what is queued, when it runs), then closes the store.</summary>
    public async Task CloseAsync()
    {
        if (Recorder is not null)
        {
            await Recorder.DisposeAsync().ConfigureAwait(false);
        }

        if (Store is not null)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A PostgreSQL connection string may hold a password; logs get only where the database is.
    private static string DisplayName(string spec)
    {
        const string postgres = "postgres:";
        if (!spec.StartsWith(postgres, StringComparison.OrdinalIgnoreCase))
        {
            return spec;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = spec[postgres.Length..] };
            var host = builder.TryGetValue("Host", out var h) || builder.TryGetValue("Server", out h) ? h : "?";
            var database = builder.TryGetValue("Database", out var d) ? d : "?";
            return $"postgres:{host}/{database}";
        }
        catch (ArgumentException)
        {
            return "postgres:(unreadable connection string)";
        }
    }
}
