using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;

namespace Milter.Reporting.Storage;

/// <summary>
/// The report database in one SQLite file, for one MTA. The file is in WAL mode and every connection waits up to
/// <see cref="BusyTimeout"/> for another's write, so the daemon and a CLI command (or two daemons) can share it.
/// </summary>
public sealed class SqliteReportStore : IReportStore, ISqlBackend
{
    /// <summary>How long a statement waits for another connection's write lock before it fails: 30 seconds.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly SqlReportStoreCore _core;
    private volatile bool _walEnabled;

    /// <summary>A store on the SQLite file <paramref name="path"/>, created with its directory when missing (on first use for the file).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="loggerFactory">Where migrations are logged; none when null.</param>
    /// <param name="time">The clock for lease expiry; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or not a valid path.</exception>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be created for lack of permission.</exception>
    public SqliteReportStore(string path, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        SystemSqlite.Use();
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        _core = new SqlReportStoreCore(this, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteReportStore>(), time ?? TimeProvider.System);
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    IReadOnlyList<SchemaMigration> ISqlBackend.Migrations => SqliteSchema.Migrations;

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken cancellationToken) => _core.MigrateAsync(cancellationToken);

    /// <inheritdoc/>
    public Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken) =>
        _core.AppendHistoryAsync(entries, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) =>
        _core.ReportedDomainsAsync(begin, end, cancellationToken);

    /// <inheritdoc/>
    public Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken) =>
        _core.ReadHistoryAsync(policyDomain, begin, end, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) =>
        _core.TryAcquireLeaseAsync(name, holder, duration, cancellationToken);

    /// <inheritdoc/>
    public Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken) =>
        _core.ReleaseLeaseAsync(name, holder, cancellationToken);

    /// <inheritdoc/>
    public Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken) =>
        _core.FindDeliveryAsync(domain, periodBegin, destination, cancellationToken);

    /// <inheritdoc/>
    public Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken) =>
        _core.SaveDeliveryAsync(delivery, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        _core.DeliveriesAsync(since, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        _core.AddIncomingReportAsync(report, receivedAt, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken) =>
        _core.IncomingReportsAsync(domain, since, cancellationToken);

    /// <inheritdoc/>
    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => _core.PurgeAsync(before, cancellationToken);

    /// <summary>Closes the pooled connections, so the file is no longer held open.</summary>
    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    async Task<DbConnection> ISqlBackend.OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();

            // busy_timeout makes SQLite itself wait for a lock held by another process; NORMAL sync is safe in WAL mode.
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!_walEnabled)
            {
                // The journal mode is kept in the file: once per store is enough, and it cannot change inside a transaction.
                pragma.CommandText = "PRAGMA journal_mode = WAL";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _walEnabled = true;
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // BEGIN IMMEDIATE takes the write lock at once: a second process migrating waits here, then finds the work done.
    Task<DbTransaction> ISqlBackend.BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // Immediate for every write: a deferred transaction that reads first could not upgrade past another writer in WAL mode.
    Task<DbTransaction> ISqlBackend.BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
