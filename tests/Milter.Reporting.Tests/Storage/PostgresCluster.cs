using System.Globalization;
using Milter.TestKit.Postgres;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Storage;

/// <summary>
/// The one PostgreSQL server of the test run, started by the first test that asks for a database (so a run of only
/// SQLite tests starts none) and stopped when the run ends.
/// </summary>
[SetUpFixture]
public sealed class PostgresCluster
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(() => PostgresServer.StartAsync());
    private static int _databases;

    /// <summary>A new empty database on the run's server; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await Server.Value;
        var number = Interlocked.Increment(ref _databases);
        return await server.CreateDatabaseAsync("reports_" + number.ToString(CultureInfo.InvariantCulture));
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (Server.IsValueCreated && Server.Value.IsCompletedSuccessfully)
        {
            await Server.Value.Result.DisposeAsync();
        }
    }
}
