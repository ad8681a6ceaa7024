using System.Data;
using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Logging;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;

namespace Milter.Reporting.Storage;

/// <summary>
/// The queries of <see cref="SqliteReportStore"/> and <see cref="PostgresReportStore"/>: both speak the SQL written
/// here (named parameters, <c>ON CONFLICT</c> upserts), so one schema meaning serves both. Times are stored as unix
/// seconds (lease expiry as unix milliseconds), so periods are cut at whole seconds.
/// </summary>
public abstract class SqlReportStore : IReportStore
{
    private const string HistoryGroupColumns =
        "source_ip, header_from, envelope_from, envelope_to, disposition, eval_dkim, eval_spf, reasons, dkim_results, spf_results";

    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private protected SqlReportStore(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    /// <summary>The schema version this build migrates to.</summary>
    public int LatestVersion => Migrations[^1].Version;

    /// <summary>The schema steps in this database's dialect, by ascending version.</summary>
    private protected abstract IReadOnlyList<SchemaMigration> Migrations { get; }

    /// <summary>An open connection, ready for statements.</summary>
    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction the migration runs in, holding whatever lock keeps a second process from migrating at
    /// the same time until it ends.
    /// </summary>
    private protected abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction that will write.</summary>
    private protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);

        await using (var select = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        {
            var current = Convert.ToInt32(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current > LatestVersion)
            {
                // An older authmilter must not write to tables whose meaning it does not know.
                throw new InvalidOperationException(
                    $"The report database has schema version {current}, newer than this authmilter knows ({LatestVersion}); upgrade authmilter.");
            }

            foreach (var step in Migrations.Where(m => m.Version > current))
            {
                foreach (var statement in step.Statements)
                {
                    await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
                }

                await using var record = Command(connection, transaction, "INSERT INTO schema_version (version, applied) VALUES (@version, @applied)");
                Add(record, "version", step.Version, DbType.Int32);
                Add(record, "applied", _time.GetUtcNow().ToUnixTimeSeconds(), DbType.Int64);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Report database migrated to schema version {Version}: {Description}", step.Version, step.Description);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task AppendHistoryAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (entry.Row.Count < 1)
            {
                throw new ArgumentException($"A history entry counts {entry.Row.Count} messages; it must count at least one.", nameof(entries));
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, transaction, """
            INSERT INTO history (received, policy_domain, policy_record, source_ip, header_from, envelope_from, envelope_to,
                                 disposition, eval_dkim, eval_spf, reasons, dkim_results, spf_results, message_count)
            VALUES (@received, @policy_domain, @policy_record, @source_ip, @header_from, @envelope_from, @envelope_to,
                    @disposition, @eval_dkim, @eval_spf, @reasons, @dkim_results, @spf_results, @message_count)
            """);
        foreach (var entry in entries)
        {
            var row = entry.Row;
            insert.Parameters.Clear();
            Add(insert, "received", entry.Received.ToUnixTimeSeconds(), DbType.Int64);
            Add(insert, "policy_domain", NormalizeDomain(entry.PolicyDomain), DbType.String);
            Add(insert, "policy_record", entry.PolicyRecord, DbType.String);
            Add(insert, "source_ip", row.SourceIp.ToString(), DbType.String);
            Add(insert, "header_from", row.HeaderFrom, DbType.String);
            Add(insert, "envelope_from", row.EnvelopeFrom, DbType.String);
            Add(insert, "envelope_to", row.EnvelopeTo, DbType.String);
            Add(insert, "disposition", row.Evaluated.Disposition, DbType.String);
            Add(insert, "eval_dkim", row.Evaluated.Dkim, DbType.String);
            Add(insert, "eval_spf", row.Evaluated.Spf, DbType.String);
            Add(insert, "reasons", StoreJson.Reasons(row.Evaluated.Reasons), DbType.String);
            Add(insert, "dkim_results", StoreJson.Dkim(row.Dkim), DbType.String);
            Add(insert, "spf_results", StoreJson.Spf(row.Spf), DbType.String);
            Add(insert, "message_count", row.Count, DbType.Int64);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ReportedDomainsAsync(DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null, """
            SELECT DISTINCT policy_domain FROM history
            WHERE received >= @begin AND received < @end AND policy_record IS NOT NULL
            ORDER BY policy_domain
            """);
        Add(select, "begin", begin.ToUnixTimeSeconds(), DbType.Int64);
        Add(select, "end", end.ToUnixTimeSeconds(), DbType.Int64);
        var domains = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            domains.Add(reader.GetString(0));
        }

        return domains;
    }

    /// <inheritdoc/>
    public async Task<PeriodHistory?> ReadHistoryAsync(string policyDomain, DateTimeOffset begin, DateTimeOffset end, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyDomain);
        var domain = NormalizeDomain(policyDomain);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Rows evaluated without a DMARC record had no policy applied: they are not part of the domain's report.
        string? policyRecord;
        await using (var latest = Command(connection, null, """
            SELECT policy_record FROM history
            WHERE policy_domain = @domain AND received >= @begin AND received < @end AND policy_record IS NOT NULL
            ORDER BY received DESC, id DESC
            LIMIT 1
            """))
        {
            AddPeriod(latest, domain, begin, end);
            policyRecord = await latest.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        if (policyRecord is null)
        {
            return null;
        }

        await using var select = Command(connection, null, $"""
            SELECT {HistoryGroupColumns}, CAST(SUM(message_count) AS BIGINT) AS messages FROM history
            WHERE policy_domain = @domain AND received >= @begin AND received < @end AND policy_record IS NOT NULL
            GROUP BY {HistoryGroupColumns}
            ORDER BY messages DESC, source_ip, header_from
            """);
        AddPeriod(select, domain, begin, end);
        var records = new List<ReportRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sourceText = reader.GetString(0);
            if (!IPAddress.TryParse(sourceText, out var source))
            {
                throw new InvalidDataException($"The history holds '{sourceText}' as a source IP.");
            }

            var evaluated = new PolicyEvaluated(reader.GetString(4), reader.GetString(5), reader.GetString(6))
            {
                Reasons = StoreJson.ParseReasons(reader.GetString(7)),
            };
            records.Add(new ReportRecord(source, reader.GetInt64(10), evaluated, reader.GetString(1))
            {
                EnvelopeFrom = NullableString(reader, 2),
                EnvelopeTo = NullableString(reader, 3),
                Dkim = StoreJson.ParseDkim(reader.GetString(8)),
                Spf = StoreJson.ParseSpf(reader.GetString(9)),
            });
        }

        return new PeriodHistory(domain, policyRecord, records);
    }

    /// <inheritdoc/>
    public async Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One statement, so the database decides between racing holders: the row is inserted, or updated only when
        // the lease has expired or is already this holder's; otherwise nothing changes and no row counts.
        await using var upsert = Command(connection, null, """
            INSERT INTO leases (name, holder, expires) VALUES (@name, @holder, @expires)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
            WHERE leases.expires <= @now OR leases.holder = excluded.holder
            """);
        Add(upsert, "name", name, DbType.String);
        Add(upsert, "holder", holder, DbType.String);
        Add(upsert, "expires", (now + duration).ToUnixTimeMilliseconds(), DbType.Int64);
        Add(upsert, "now", now.ToUnixTimeMilliseconds(), DbType.Int64);
        return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection, null, "DELETE FROM leases WHERE name = @name AND holder = @holder");
        Add(delete, "name", name, DbType.String);
        Add(delete, "holder", holder, DbType.String);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ReportDelivery?> FindDeliveryAsync(string domain, DateTimeOffset periodBegin, string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null, """
            SELECT domain, period_begin, period_end, destination, report_id, status, attempts, last_error, last_attempt, size
            FROM deliveries WHERE domain = @domain AND period_begin = @period_begin AND destination = @destination
            """);
        Add(select, "domain", NormalizeDomain(domain), DbType.String);
        Add(select, "period_begin", periodBegin.ToUnixTimeSeconds(), DbType.Int64);
        Add(select, "destination", destination, DbType.String);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDelivery(reader) : null;
    }

    /// <inheritdoc/>
    public async Task SaveDeliveryAsync(ReportDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentException.ThrowIfNullOrWhiteSpace(delivery.Domain, nameof(delivery));
        ArgumentException.ThrowIfNullOrWhiteSpace(delivery.Destination, nameof(delivery));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = Command(connection, null, """
            INSERT INTO deliveries (domain, period_begin, period_end, destination, report_id, status, attempts, last_error, last_attempt, size)
            VALUES (@domain, @period_begin, @period_end, @destination, @report_id, @status, @attempts, @last_error, @last_attempt, @size)
            ON CONFLICT (domain, period_begin, destination) DO UPDATE SET
                period_end = excluded.period_end, report_id = excluded.report_id, status = excluded.status,
                attempts = excluded.attempts, last_error = excluded.last_error, last_attempt = excluded.last_attempt, size = excluded.size
            """);
        Add(upsert, "domain", NormalizeDomain(delivery.Domain), DbType.String);
        Add(upsert, "period_begin", delivery.PeriodBegin.ToUnixTimeSeconds(), DbType.Int64);
        Add(upsert, "period_end", delivery.PeriodEnd.ToUnixTimeSeconds(), DbType.Int64);
        Add(upsert, "destination", delivery.Destination, DbType.String);
        Add(upsert, "report_id", delivery.ReportId, DbType.String);
        Add(upsert, "status", delivery.Status.ToString().ToLowerInvariant(), DbType.String);
        Add(upsert, "attempts", delivery.Attempts, DbType.Int32);
        Add(upsert, "last_error", delivery.LastError, DbType.String);
        Add(upsert, "last_attempt", delivery.LastAttempt?.ToUnixTimeSeconds(), DbType.Int64);
        Add(upsert, "size", delivery.Size, DbType.Int64);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReportDelivery>> DeliveriesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null, """
            SELECT domain, period_begin, period_end, destination, report_id, status, attempts, last_error, last_attempt, size
            FROM deliveries WHERE period_begin >= @since
            ORDER BY period_begin DESC, domain, destination
            """);
        Add(select, "since", since.ToUnixTimeSeconds(), DbType.Int64);
        var deliveries = new List<ReportDelivery>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(ReadDelivery(reader));
        }

        return deliveries;
    }

    /// <inheritdoc/>
    public async Task<bool> AddIncomingReportAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Metadata.OrgName, nameof(report));
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Metadata.ReportId, nameof(report));
        ArgumentException.ThrowIfNullOrWhiteSpace(report.Policy.Domain, nameof(report));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, null, """
            INSERT INTO incoming_reports (org_name, report_id, domain, period_begin, period_end, received, body)
            VALUES (@org_name, @report_id, @domain, @period_begin, @period_end, @received, @body)
            ON CONFLICT (org_name, report_id, domain) DO NOTHING
            """);
        Add(insert, "org_name", report.Metadata.OrgName, DbType.String);
        Add(insert, "report_id", report.Metadata.ReportId, DbType.String);
        Add(insert, "domain", NormalizeDomain(report.Policy.Domain), DbType.String);
        Add(insert, "period_begin", report.Metadata.Begin.ToUnixTimeSeconds(), DbType.Int64);
        Add(insert, "period_end", report.Metadata.End.ToUnixTimeSeconds(), DbType.Int64);
        Add(insert, "received", receivedAt.ToUnixTimeSeconds(), DbType.Int64);
        Add(insert, "body", StoreJson.Report(report), DbType.String);
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AggregateReport>> IncomingReportsAsync(string? domain, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Two texts rather than "@domain IS NULL OR …": PostgreSQL cannot type a parameter that is only ever null.
        var filter = domain is null ? "" : " AND domain = @domain";
        await using var select = Command(connection, null,
            $"SELECT body FROM incoming_reports WHERE period_end >= @since{filter} ORDER BY period_begin, id");
        Add(select, "since", since.ToUnixTimeSeconds(), DbType.Int64);
        if (domain is not null)
        {
            Add(select, "domain", NormalizeDomain(domain), DbType.String);
        }

        var reports = new List<AggregateReport>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reports.Add(StoreJson.ParseReport(reader.GetString(0)));
        }

        return reports;
    }

    /// <inheritdoc/>
    public async Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var cutOff = before.ToUnixTimeSeconds();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        long removed = 0;
        foreach (var statement in new[]
        {
            "DELETE FROM history WHERE received < @before",
            "DELETE FROM deliveries WHERE period_end < @before",
            "DELETE FROM incoming_reports WHERE period_end < @before",
        })
        {
            await using var delete = Command(connection, transaction, statement);
            Add(delete, "before", cutOff, DbType.Int64);
            removed += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    // Domain names compare without case (RFC 4343); one spelling in the tables keeps the keys and groups whole.
    private static string NormalizeDomain(string domain) => domain.Trim().TrimEnd('.').ToLowerInvariant();

    private static void AddPeriod(DbCommand command, string domain, DateTimeOffset begin, DateTimeOffset end)
    {
        Add(command, "domain", domain, DbType.String);
        Add(command, "begin", begin.ToUnixTimeSeconds(), DbType.Int64);
        Add(command, "end", end.ToUnixTimeSeconds(), DbType.Int64);
    }

    private static ReportDelivery ReadDelivery(DbDataReader reader)
    {
        var statusText = reader.GetString(5);
        if (!Enum.TryParse<ReportDeliveryStatus>(statusText, ignoreCase: true, out var status) || !Enum.IsDefined(status))
        {
            throw new InvalidDataException($"The deliveries table holds an unknown status '{statusText}'.");
        }

        return new ReportDelivery(
            reader.GetString(0),
            DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(1)),
            DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(2)),
            reader.GetString(3),
            reader.GetString(4),
            status)
        {
            Attempts = reader.GetInt32(6),
            LastError = NullableString(reader, 7),
            LastAttempt = reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(8)),
            Size = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        };
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string text, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
