using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Storage;

/// <summary>The store contract against a real PostgreSQL server (<see cref="PostgresCluster"/>), a fresh database per test.</summary>
[TestFixture]
public sealed class PostgresReportStoreTests : ReportStoreContractTests
{
    private protected override Task<string> CreateDatabaseAsync() => PostgresCluster.CreateDatabaseAsync();

    private protected override IReportStore Open(string database, TimeProvider time) => new PostgresReportStore(database, time: time);
}
