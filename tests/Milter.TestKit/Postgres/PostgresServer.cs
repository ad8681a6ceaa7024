using System.Globalization;
using System.Text.RegularExpressions;
using Milter.TestKit.Dns;

namespace Milter.TestKit.Postgres;

/// <summary>
/// A private PostgreSQL cluster for tests (Debian package <c>postgresql</c>): initdb into a temporary directory, the
/// server on a free 127.0.0.1 port with its unix socket in that directory and trust authentication, so tests never
/// touch a system cluster. PostgreSQL refuses to run as root; as root it runs as the <c>postgres</c> system user.
/// </summary>
/// <remarks>Start one per test run (initdb takes seconds); give each test or fixture its own <see cref="CreateDatabaseAsync"/>.</remarks>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private const int StartAttempts = 3;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string directory, bool asPostgresUser, int port)
    {
        _bin = bin;
        _directory = directory;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> database as the superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Runs initdb in a new temporary directory and starts the server; returns once it accepts connections.</summary>
    /// <param name="cancellationToken">Stops waiting (the directory is then deleted).</param>
    /// <exception cref="InvalidOperationException">
    /// The PostgreSQL binaries are not installed (the message says to install the Debian package postgresql), the
    /// <c>postgres</c> user is missing when running as root, or initdb or the server fails; the message includes their output.
    /// </exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root";
        var directory = Directory.CreateTempSubdirectory("milter-pg-").FullName;
        try
        {
            if (asPostgresUser)
            {
                var (code, output) = await RunAsync("chown", ["-R", $"{Superuser}:{Superuser}", directory], directory, cancellationToken);
                if (code != 0)
                {
                    throw new InvalidOperationException(
                        $"Could not give {directory} to the '{Superuser}' user, which runs PostgreSQL when the tests run as root " +
                        $"(install Debian package postgresql, which creates it): {output}");
                }
            }

            var data = Path.Combine(directory, "data");
            await RunCheckedAsync(bin, "initdb", asPostgresUser, directory,
                ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"], cancellationToken);

            var baseConfig = await File.ReadAllTextAsync(Path.Combine(data, "postgresql.conf"), cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPorts.FindFree();

                // Durability is pointless for a throwaway cluster and costly on a shared CI machine.
                await File.WriteAllTextAsync(Path.Combine(data, "postgresql.conf"), baseConfig + $"""

                    listen_addresses = '127.0.0.1'
                    port = {port}
                    unix_socket_directories = '{directory}'
                    max_connections = 200
                    fsync = off
                    synchronous_commit = off
                    full_page_writes = off
                    """, cancellationToken);
                var log = Path.Combine(directory, "server.log");
                var (code, output) = await RunAsPostgresAsync(bin, "pg_ctl", asPostgresUser, directory,
                    ["-D", data, "-l", log, "-w", "-t", "60", "start"], cancellationToken);
                if (code == 0)
                {
                    return new PostgresServer(bin, directory, asPostgresUser, port);
                }

                var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "";
                if (attempt < StartAttempts && serverLog.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                throw new InvalidOperationException($"PostgreSQL ({bin}) did not start on 127.0.0.1:{port}: {output}\nserver log:\n{serverLog}");
            }
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>An Npgsql connection string for database <paramref name="database"/> on this server as the superuser.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={Superuser};Database={database}";

    /// <summary>Creates the empty database <paramref name="name"/> and returns its connection string.</summary>
    /// <param name="name">Lower-case letters, digits and underscores, starting with a letter.</param>
    /// <param name="cancellationToken">Stops waiting for createdb.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not such a name.</exception>
    /// <exception cref="InvalidOperationException">createdb failed (for instance, the database exists); the message has its output.</exception>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name is null || !DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a database name of lower-case letters, digits and underscores.", nameof(name));
        }

        await RunCheckedAsync(_bin, "createdb", asPostgresUser: false, _directory,
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, name], cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>Stops the server (fast shutdown: sessions are ended) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsPostgresAsync(_bin, "pg_ctl", _asPostgresUser, _directory,
                ["-D", Path.Combine(_directory, "data"), "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: dir, Version: decimal.TryParse(Path.GetFileName(dir), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")) && File.Exists(Path.Combine(d.Dir, "bin", "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries (initdb, pg_ctl) under {root}/*/bin: install Debian package postgresql.");
    }

    private static async Task RunCheckedAsync(string bin, string tool, bool asPostgresUser, string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsPostgresAsync(bin, tool, asPostgresUser, directory, arguments, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {code}: {output}");
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsPostgresAsync(string bin, string tool, bool asPostgresUser, string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var program = Path.Combine(bin, tool);
        return asPostgresUser
            ? RunAsync("setpriv", ["--reuid=" + Superuser, "--regid=" + Superuser, "--init-groups", program, .. arguments], directory, cancellationToken)
            : RunAsync(program, arguments, directory, cancellationToken);
    }

    // Runs in the cluster's directory: as the postgres user, the caller's working directory may not be readable.
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var (exitCode, standardOutput, standardError) = await ExternalCommand.CaptureAsync(program, arguments, CommandTimeout, workingDirectory, cancellationToken).ConfigureAwait(false);
        return (exitCode, standardOutput + standardError);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
