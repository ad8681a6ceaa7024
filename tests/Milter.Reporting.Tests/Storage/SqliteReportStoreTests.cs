using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Storage;

[TestFixture]
public sealed class SqliteReportStoreTests : ReportStoreContractTests
{
    private protected override Task<string> CreateDatabaseAsync()
    {
        // A directory that does not exist yet: the store must create it.
        var root = Directory.CreateTempSubdirectory("milter-sqlite-").FullName;
        return Task.FromResult(Path.Combine(root, "state", "reports.db"));
    }

    private protected override IReportStore Open(string database, TimeProvider time) => new SqliteReportStore(database, time: time);

    private protected override void DeleteDatabase(string database) =>
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(database))!, recursive: true);

    [Test]
    public async Task MigrateAsync_MissingDirectory_CreatedWithTheFileInWalMode()
    {
        var path = ((SqliteReportStore)Store).Path;

        Assert.That(File.Exists(path), Is.True);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
    }
}
