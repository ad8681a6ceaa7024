using Microsoft.Extensions.Logging;

namespace Milter.Reporting.Storage;

/// <summary>Opens the report database named by the <c>ReportStore</c> key of milter.conf.</summary>
public static class ReportStores
{
    /// <summary>
    /// The store <paramref name="spec"/> names: <c>sqlite:PATH</c>, <c>postgres:CONNECTION-STRING</c> (Npgsql syntax),
    /// or <c>none</c> (no database: null). The schema is not migrated here; call <see cref="IReportStore.MigrateAsync"/>.
    /// </summary>
    /// <param name="spec">The setting's value.</param>
    /// <param name="loggerFactory">Where the store logs; none when null.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="spec"/> is null, has another prefix, an empty path or connection string, or a connection
    /// string Npgsql does not accept; or the SQLite path is not valid or its directory cannot be created.
    /// </exception>
    public static IReportStore? Open(string spec, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (TryValue(text, "sqlite:", out var path))
        {
            try
            {
                return new SqliteReportStore(path, loggerFactory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new ArgumentException($"The SQLite report database '{path}' cannot be used: {e.Message}", nameof(spec), e);
            }
        }

        if (TryValue(text, "postgres:", out var connectionString))
        {
            try
            {
                return new PostgresReportStore(connectionString, loggerFactory);
            }
            catch (ArgumentException e)
            {
                // The text itself is left out of the message: it may hold a password.
                throw new ArgumentException($"The PostgreSQL connection string after 'postgres:' is not valid: {e.Message}", nameof(spec), e);
            }
        }

        throw new ArgumentException(
            $"The report database '{spec}' is not understood: use 'sqlite:PATH', 'postgres:CONNECTION-STRING' or 'none'.", nameof(spec));
    }

    private static bool TryValue(string text, string prefix, out string value)
    {
        value = "";
        if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        value = text[prefix.Length..].Trim();
        return value.Length > 0
            ? true
            : throw new ArgumentException($"The report database '{text}' names no {(prefix == "sqlite:" ? "file" : "connection string")} after '{prefix}'.", "spec");
    }
}
