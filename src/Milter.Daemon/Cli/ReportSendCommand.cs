using System.Data.Common;
using System.Globalization;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Reporting;
using Milter.Reporting.Outgoing;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Cli;

/// <summary>
/// <c>authmilter report send</c>: sends one period's DMARC aggregate reports from the configured store (and retries
/// the pending ones of the week before), as the daemon does after each period when <c>ReportingEnabled</c> is set;
/// for cron when it is not. Prints one line per report and destination.
/// </summary>
internal static class ReportSendCommand
{
    public const string Usage = """
        usage: authmilter report send [--config FILE] [--dry-run] [--period YYYY-MM-DD | --period BEGIN/END]
          sends the DMARC aggregate reports of one period (default: the last complete ReportInterval period);
          YYYY-MM-DD is that UTC day (ReportInterval must be 1d), BEGIN/END are UNIX times in seconds;
          --dry-run builds the reports and prints where they would go, sending and recording nothing
        """;

    /// <summary>Runs the command with the arguments after <c>report send</c>; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, TimeProvider.System);

    /// <summary>As <see cref="RunAsync(IReadOnlyList{string}, TextWriter, TextWriter)"/>, with the clock that picks the default period.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, TimeProvider time)
    {
        string? configPath = null;
        string? periodText = null;
        var dryRun = false;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--config" or "-c":
                        configPath = Value();
                        break;
                    case "--dry-run":
                        dryRun = true;
                        break;
                    case "--period":
                        periodText = Value();
                        break;
                    default:
                        throw new FormatException($"unexpected argument '{args[i]}'.");
                }
            }
        }
        catch (FormatException exception)
        {
            return UsageError(exception.Message, error);
        }

        if (SettingsLoader.TryLoad(configPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        var reporting = settings.Reporting;
        ReportPeriod period;
        try
        {
            period = periodText is null
                ? ReportPeriod.Containing(time.GetUtcNow(), reporting.Interval).Previous
                : ParsePeriod(periodText, reporting.Interval);
        }
        catch (FormatException exception)
        {
            return UsageError(exception.Message, error);
        }

        ReportBuilder builder;
        SmtpMailSubmitter submitter;
        try
        {
            builder = new ReportBuilder(reporting, ReportBuilder.DiscoveryMethod(settings.Dmarc.Discovery));
            submitter = new SmtpMailSubmitter(reporting);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            error.WriteLine($"authmilter report send: {exception.Message}");
            return ExitCodes.Config;
        }

        // Opened last, so that no configuration error above leaves it open.
        if (CommandStore.Open(settings, "report send", "there is no history to report from", error) is not { } store)
        {
            return ExitCodes.Config;
        }

        var sender = new ReportSender(store, builder, new ReportDestinationVerifier(new DnsClientResolver(settings.Dns)), submitter, reporting);

        await using (store.ConfigureAwait(false))
        {
            ReportSendResult result;
            try
            {
                await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
                result = await sender.SendAsync(period, dryRun, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is DbException or IOException or InvalidOperationException)
            {
                error.WriteLine($"authmilter report send: the report store failed: {exception.Message}");
                return ExitCodes.Failure;
            }

            Print(period, dryRun, result, output);
            return result.AnyFailed ? ExitCodes.Failure : ExitCodes.Success;
        }
    }

    /// <summary>Parses <c>YYYY-MM-DD</c> (a UTC day, with a one-day interval) or <c>BEGIN/END</c> in UNIX seconds.</summary>
    /// <exception cref="FormatException">The text is neither, the day does not match the interval, or END is not after BEGIN.</exception>
    public static ReportPeriod ParsePeriod(string text, TimeSpan interval)
    {
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            if (!long.TryParse(text[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var begin)
                || !long.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
                || begin > 253_402_300_799 || end > 253_402_300_799)
            {
                throw new FormatException($"'{text}' is not BEGIN/END in UNIX seconds.");
            }

            return end > begin
                ? new ReportPeriod(DateTimeOffset.FromUnixTimeSeconds(begin), DateTimeOffset.FromUnixTimeSeconds(end))
                : throw new FormatException($"'{text}': END must be after BEGIN.");
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new FormatException($"'{text}' is not YYYY-MM-DD or BEGIN/END.");
        }

        // A day spans several periods of a shorter interval; one report over all of them would duplicate theirs.
        if (interval != TimeSpan.FromDays(1))
        {
            throw new FormatException($"--period {text} names a day, but ReportInterval is {interval}; give BEGIN/END.");
        }

        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new ReportPeriod(start, start.AddDays(1));
    }

    private static void Print(ReportPeriod period, bool dryRun, ReportSendResult result, TextWriter output)
    {
        if (result.LeaseHeldElsewhere)
        {
            output.WriteLine($"{period}: another authmilter holds the send lease; it sends the reports, this run sent nothing.");
        }

        if (result.Destinations.Count == 0 && !result.LeaseHeldElsewhere)
        {
            output.WriteLine($"{period}: no reports to send{(dryRun ? " (dry run)" : string.Empty)}.");
        }

        foreach (var destination in result.Destinations)
        {
            var outcome = destination.Outcome switch
            {
                ReportDestinationOutcome.AlreadyDone => "already-done",
                ReportDestinationOutcome.WouldSend => "would-send",
                var other => other.ToString().ToLowerInvariant(),
            };
            var size = destination.Size is { } bytes ? string.Create(CultureInfo.InvariantCulture, $" ({bytes} bytes)") : string.Empty;
            output.WriteLine($"{destination.Period} {destination.Domain} {destination.Destination} {outcome}{size}: {destination.Detail}");
        }
    }

    private static int UsageError(string message, TextWriter error)
    {
        error.WriteLine($"authmilter report send: {message}");
        error.WriteLine(Usage);
        return ExitCodes.Usage;
    }
}
