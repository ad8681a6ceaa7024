using System.Data.Common;

namespace Milter.Reporting.Storage;

/// <summary>What differs between the SQL databases behind <see cref="SqlReportStoreCore"/>; the queries themselves are shared.</summary>
internal interface ISqlBackend
{
    /// <summary>The schema steps in this database's dialect, by ascending version.</summary>
    IReadOnlyList<SchemaMigration> Migrations { get; }

    /// <summary>An open connection, ready for statements.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction the migration runs in, holding whatever lock keeps a second process from migrating at
    /// the same time until it ends.
    /// </summary>
    Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction that will write.</summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);
}
