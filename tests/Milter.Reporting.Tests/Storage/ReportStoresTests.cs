using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Storage;

[TestFixture]
public sealed class ReportStoresTests
{
    [TestCase("none")]
    [TestCase(" NONE ")]
    public void Open_None_ReturnsNull(string spec) => Assert.That(ReportStores.Open(spec), Is.Null);

    [Test]
    public async Task Open_Sqlite_ReturnsSqliteStoreOnThePath()
    {
        var directory = Directory.CreateTempSubdirectory("milter-sqlite-").FullName;
        try
        {
            var path = Path.Combine(directory, "reports.db");
            await using var store = ReportStores.Open("sqlite:" + path);

            Assert.That(store, Is.TypeOf<SqliteReportStore>());
            Assert.That(((SqliteReportStore)store!).Path, Is.EqualTo(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Open_Postgres_ReturnsPostgresStore()
    {
        await using var store = ReportStores.Open("postgres:Host=127.0.0.1;Database=reports;Username=milter");

        Assert.That(store, Is.TypeOf<PostgresReportStore>());
    }

    [TestCase("", "not understood")]
    [TestCase("mysql:localhost", "not understood")]
    [TestCase("/var/lib/authmilter/reports.db", "not understood")]
    [TestCase("sqlite:", "names no file")]
    [TestCase("postgres:  ", "names no connection string")]
    [TestCase("postgres:Nonsense=1", "connection string after 'postgres:' is not valid")]
    public void Open_BadSpec_ThrowsArgumentExceptionSayingWhy(string spec, string message) =>
        Assert.That(() => ReportStores.Open(spec), Throws.ArgumentException.With.Message.Contains(message));

    [Test]
    public void Open_PostgresPassword_NotInTheMessage() =>
        Assert.That(() => ReportStores.Open("postgres:Host=x;Password=hunter2;Bogus=1"),
            Throws.ArgumentException.With.Message.Not.Contains("hunter2"));
}
