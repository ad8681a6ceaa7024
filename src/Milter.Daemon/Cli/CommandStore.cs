using Milter.Daemon.Configuration;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Cli;

/// <summary>The report database a <c>report</c> subcommand works on: the one milter.conf's <c>ReportStore</c> names.</summary>
internal static class CommandStore
{
    /// <summary>
    /// Opens the store; null when <c>ReportStore</c> is unusable or <c>none</c>, after writing why to <paramref name="error"/>
    /// (the caller exits with <see cref="ExitCodes.Config"/>).
    /// </summary>
    /// <param name="settings">The loaded configuration.</param>
    /// <param name="command">The subcommand, for the message: <c>report ingest</c>.</param>
    /// <param name="withoutStore">What <c>none</c> means for this subcommand, for the message.</param>
    /// <param name="error">Where the reason goes.</param>
    public static IReportStore? Open(MilterSettings settings, string command, string withoutStore, TextWriter error)
    {
        try
        {
            var store = ReportStores.Open(settings.Reporting.Store);
            if (store is null)
            {
                error.WriteLine($"authmilter {command}: ReportStore is none: {withoutStore}");
            }

            return store;
        }
        catch (ArgumentException exception)
        {
            error.WriteLine($"authmilter {command}: ReportStore: {exception.Message}");
            return null;
        }
    }
}
