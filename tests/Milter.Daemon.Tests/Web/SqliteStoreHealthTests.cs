using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Configuration;
using Milter.Daemon.Web;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Web;

/// <summary><c>/healthz</c>'s store check against a real SQLite store, answering and without its tables.</summary>
public class SqliteStoreHealthTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("health-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Healthz_MigratedSqliteStore_200()
    {
        await using var store = new SqliteReportStore(Path.Combine(_directory, "reports.db"));
        await store.MigrateAsync(CancellationToken.None);

        Assert.That(await HealthStatusAsync(store), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Healthz_SqliteStoreNeverMigrated_503()
    {
        await using var store = new SqliteReportStore(Path.Combine(_directory, "empty.db"));

        Assert.That(await HealthStatusAsync(store), Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }

    private static async Task<HttpStatusCode> HealthStatusAsync(IReportStore store)
    {
        var settings = new MilterSettings { HttpListen = new IPEndPoint(IPAddress.Loopback, 0) };
        await using var service = new HttpEndpointService(settings, new DaemonMetricSources(), [HealthCheck.ReportStore(store)], store, TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(service.BaseAddress!, "/healthz"));
            return response.StatusCode;
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
