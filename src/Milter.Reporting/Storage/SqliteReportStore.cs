using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Milter.Reporting.Storage;

/// <summary>
/// The report database in one SQLite file, for one MTA. The file is in WAL mode and every connection waits up to
/// <see cref="BusyTimeout"/> for another's write, so the daemon and a CLI command (or two daemons) can share it.
/// </summary>
public sealed class SqliteReportStore : SqlReportStore
{
    /// <summary>How long a statement waits for another connection's write lock before it fails: 30 seconds.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private volatile bool _walEnabled;

    /// <summary>A store on the SQLite file <paramref name="path"/>, created with its directory when missing (on first use for the file).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="loggerFactory">Where migrations are logged; none when null.</param>
    /// <param name="time">The clock for lease expiry; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or not a valid path.</exception>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be created for lack of permission.</exception>
    public SqliteReportStore(string path, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
        : base((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteReportStore>(), time ?? TimeProvider.System)
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
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    private protected override IReadOnlyList<SchemaMigration> Migrations => SqliteSchema.Migrations;

    /// <summary>Closes the pooled connections, so the file is no longer held open.</summary>
    public override ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
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
    private protected override Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // Immediate for every write: a deferred transaction that reads first could not upgrade past another writer in WAL mode.
    private protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
