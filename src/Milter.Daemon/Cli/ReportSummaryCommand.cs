using System.Globalization;
using System.Text.Json;
using Milter.Reporting.Incoming;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Cli;

/// <summary>
/// <c>authmilter report summary</c>: what the aggregate reports others sent us say about our domains over the last
/// days: messages, how many passed DMARC and from how many sources, what receivers quarantined or rejected, SPF and
/// DKIM, who reported, and the reports themselves. <c>--json</c> prints the same for scripts.
/// </summary>
internal static class ReportSummaryCommand
{
    public const string Usage = """
        usage: authmilter report summary [--config FILE] [--domain DOMAIN] [--days N] [--json]
          summarizes the DMARC aggregate reports received (see "authmilter report ingest") per domain
          over the last N days (default 15, at most 3650), as text or as JSON
        """;

    private const int DefaultDays = 15;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => RunAsync(args, output, error, TimeProvider.System);

    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        string? configPath = null;
        string? domain = null;
        var days = DefaultDays;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                case "--domain" when i + 1 < args.Length:
                    domain = args[++i].TrimEnd('.').ToLowerInvariant();
                    break;
                case "--days" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > 3650)
                    {
                        error.WriteLine($"authmilter report summary: --days must be a whole number from 1 to 3650, not {args[i]}");
                        return ExitCodes.Usage;
                    }

                    break;
                case "--json":
                    json = true;
                    break;
                case "--help" or "-h":
                    output.WriteLine(Usage);
                    return ExitCodes.Success;
                default:
                    error.WriteLine($"authmilter report summary: unknown argument or missing value: {args[i]}");
                    error.WriteLine(Usage);
                    return ExitCodes.Usage;
            }
        }

        if (SettingsLoader.TryLoad(configPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        if (CommandStore.Open(settings, "report summary", "no reports are kept", error) is not { } store)
        {
            return ExitCodes.Config;
        }

        var to = time.GetUtcNow();
        var from = to.AddDays(-days);
        IReadOnlyList<DomainSummary> summaries;
        await using (store.ConfigureAwait(false))
        {
            try
            {
                await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
                summaries = ReportSummarizer.Summarize(await store.IncomingReportsAsync(domain, from, CancellationToken.None).ConfigureAwait(false), from, to);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Any failure of the database (unreachable, locked, not a database) ends the command with its message.
                error.WriteLine($"authmilter report summary: cannot read the report store: {exception.Message}");
                return ExitCodes.TempFail;
            }
        }

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(summaries.Select(ToJson), Json));
        }
        else if (summaries.Count == 0)
        {
            output.WriteLine($"no reports received for {domain ?? "any domain"} in the last {days} {(days == 1 ? "day" : "days")}");
        }
        else
        {
            foreach (var summary in summaries)
            {
                Print(summary, output);
            }
        }

        return ExitCodes.Success;
    }

    private static void Print(DomainSummary s, TextWriter output)
    {
        var failing = s.Messages - s.Compliant;
        output.WriteLine($"{s.Domain}  {Time(s.From)} to {Time(s.To)} UTC");
        output.WriteLine($"  messages      {s.Messages}");
        output.WriteLine($"  compliant     {s.Compliant} ({Percent(s.Compliant, s.Messages)}) from {Count(s.Sources.Count(x => x.Compliant > 0), "source")}");
        output.WriteLine($"  not compliant {failing} ({Percent(failing, s.Messages)}) from {Count(s.Sources.Count(x => x.Failed > 0), "source")}");
        output.WriteLine($"  quarantined   {s.Quarantined}");
        output.WriteLine($"  rejected      {s.Rejected}");
        output.WriteLine($"  spf           {s.SpfPass} pass, {s.SpfFail} fail");
        output.WriteLine($"  dkim          {s.DkimPass} pass, {s.DkimFail} fail");
        output.WriteLine("  sources:");
        foreach (var source in s.Sources)
        {
            output.WriteLine($"    {source.Address,-39} {Count(source.Messages, "message")}, {source.Compliant} compliant");
        }

        output.WriteLine("  reporters:");
        foreach (var reporter in s.Reporters)
        {
            output.WriteLine($"    {reporter.OrgName} <{reporter.Email}>: {Count(reporter.Reports, "report")}, {Count(reporter.Messages, "message")}");
        }

        output.WriteLine("  reports:");
        foreach (var report in s.Reports)
        {
            output.WriteLine($"    {Time(report.Begin)} to {Time(report.End)}  {report.OrgName}  {report.ReportId}  {Count(report.Messages, "message")}");
        }

        output.WriteLine();
    }

    private static object ToJson(DomainSummary s) => new
    {
        s.Domain,
        s.From,
        s.To,
        s.Messages,
        s.Compliant,
        s.Quarantined,
        s.Rejected,
        s.SpfPass,
        s.SpfFail,
        s.DkimPass,
        s.DkimFail,
        Sources = s.Sources.Select(x => new { Address = x.Address.ToString(), x.Messages, x.Compliant, x.Failed }),
        s.Reporters,
        Days = s.Days.Select(d => new { Day = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Passed, d.Failed }),
        s.Reports,
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "0%" : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Count(long count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";
}
