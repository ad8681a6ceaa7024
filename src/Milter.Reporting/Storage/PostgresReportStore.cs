using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Npgsql;

namespace Milter.Reporting.Storage;

/// <summary>The report database in PostgreSQL, which several MTAs can share (the send lease picks one to send reports).</summary>
public sealed class PostgresReportStore : IReportStore, ISqlBackend
{
    // pg_advisory_xact_lock key for schema migrations: "authmilt" in ASCII, unlikely to meet another application's key.
    private const long MigrationLockKey = 0x617574686D696C74;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SqlReportStoreCore _core;

    /// <summary>A store on the database <paramref name="connectionString"/> names (Npgsql syntax: <c>Host=…;Database=…;Username=…</c>).</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="loggerFactory">Where Npgsql and migrations log; none when null.</param>
    /// <param name="time">The clock for lease expiry; the system clock when null.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid connection string.</exception>
    public PostgresReportStore(string connectionString, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        _dataSource = builder.Build();
        _core = new SqlReportStoreCore(this, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgresReportStore>(), time ?? TimeProvider.System);
    }

    IReadOnlyList<SchemaMigration> ISqlBackend.Migrations => PostgresSchema.Migrations;

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

    /// <summary>Closes the connection pool.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    async Task<DbConnection> ISqlBackend.OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    // The advisory lock is held until the transaction ends: a second process migrating waits, then finds the work done.
    async Task<DbTransaction> ISqlBackend.BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
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

    async Task<DbTransaction> ISqlBackend.BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
}
