using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Milter.Reporting.Storage;

/// <summary>The report database in PostgreSQL, which several MTAs can share (the send lease picks one to send reports).</summary>
public sealed class PostgresReportStore : SqlReportStore
{
    // pg_advisory_xact_lock key for schema migrations: "authmilt" in ASCII, unlikely to meet another application's key.
    private const long MigrationLockKey = 0x617574686D696C74;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>A store on the database <paramref name="connectionString"/> names (Npgsql syntax: <c>Host=…;Database=…;Username=…</c>).</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="loggerFactory">Where Npgsql and migrations log; none when null.</param>
    /// <param name="time">The clock for lease expiry; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid connection string.</exception>
    public PostgresReportStore(string connectionString, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
        : base((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgresReportStore>(), time ?? TimeProvider.System)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        _dataSource = builder.Build();
    }

    private protected override IReadOnlyList<SchemaMigration> Migrations => PostgresSchema.Migrations;

    /// <summary>Closes the connection pool.</summary>
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    // The advisory lock is held until the transaction ends: a second process migrating waits, then finds the work done.
    private protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var transaction = await npgsql.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", npgsql, transaction);
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
}
