using System.Text;
using Milter.Reporting.Incoming;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Cli;

/// <summary>
/// <c>authmilter report ingest</c>: stores the DMARC aggregate reports others mail us, from message files, mbox files,
/// Maildirs, or the one message on standard input, so an MTA alias such as
/// <c>dmarc-rua: "|/usr/bin/authmilter report ingest"</c> feeds the store directly.
/// </summary>
/// <remarks>
/// The exit code is chosen for a pipe: 0 whenever the message was dealt with, even when it is not a report or a
/// broken one (a bounce to a report sender helps nobody); 75 (EX_TEMPFAIL) when the store cannot be used, so the MTA
/// keeps the message and retries; 78 for a configuration error, which Postfix also retries.
/// </remarks>
internal static class ReportIngestCommand
{
    public const string Usage = """
        usage: authmilter report ingest [--config FILE] [PATH...]
          stores the DMARC aggregate reports in the messages at each PATH (a message file, an mbox file
          or a Maildir directory), or in the one message on standard input when no PATH is given
          (for an alias such as  dmarc-rua: "|/usr/bin/authmilter report ingest")
          exits 0 when every message was handled (those that are not reports are named on stderr),
          75 when the report store is unavailable (the MTA retries)
        """;

    /// <summary>Most characters read from standard input: far above any report mail, bounded against a runaway pipe.</summary>
    internal const int MaxInputCharacters = 64 * 1024 * 1024;

    public static Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error) =>
        RunAsync(args, input, output, error, TimeProvider.System);

    internal static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, TimeProvider time)
    {
        string? configPath = null;
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                case "--help" or "-h":
                    output.WriteLine(Usage);
                    return ExitCodes.Success;
                case var option when option.StartsWith('-'):
                    error.WriteLine($"authmilter report ingest: unknown option or missing value: {option}");
                    error.WriteLine(Usage);
                    return ExitCodes.Usage;
                default:
                    paths.Add(args[i]);
                    break;
            }
        }

        if (paths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p)) is { } missing)
        {
            error.WriteLine($"authmilter report ingest: {missing}: no such file or directory");
            return ExitCodes.Usage;
        }

        if (SettingsLoader.TryLoad(configPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        if (CommandStore.Open(settings, "report ingest", "there is nowhere to keep reports", error) is not { } store)
        {
            return ExitCodes.Config;
        }

        await using (store.ConfigureAwait(false))
        {
            ReportIngestResult result;
            try
            {
                await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
                var messages = paths.Count == 0 ? [await ReadInputAsync(input).ConfigureAwait(false)] : paths.SelectMany(MailboxReader.Read);
                result = await new ReportIngester(store, time: time).IngestAsync(messages, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever stops the store (locked or unreachable database, full disk, unreadable mailbox file) may
                // pass; for a pipe the MTA keeps the message and retries, and stored reports are not stored twice.
                error.WriteLine($"authmilter report ingest: cannot store reports now: {exception.Message}");
                return ExitCodes.TempFail;
            }

            Print(result, paths.Count == 0, output, error);
            return ExitCodes.Success;
        }
    }

    private static async Task<MailboxMessage> ReadInputAsync(TextReader input)
    {
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        int read;
        while ((read = await input.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (text.Length + read > MaxInputCharacters)
            {
                return new MailboxMessage("stdin", null, $"the message is larger than {MaxInputCharacters} characters");
            }

            text.Append(buffer, 0, read);
        }

        // The daemon reads standard input as Latin-1 (one char per byte), so this gives back the exact bytes, 8-bit
        // headers and unencoded parts included.
        using var bytes = new MemoryStream(Encoding.Latin1.GetBytes(text.ToString()));
        return MailboxReader.ReadSingle(bytes, "stdin");
    }

    private static void Print(ReportIngestResult result, bool fromPipe, TextWriter output, TextWriter error)
    {
        foreach (var problem in result.Problems)
        {
            error.WriteLine($"authmilter report ingest: {problem}");
        }

        foreach (var warning in result.Warnings)
        {
            error.WriteLine($"authmilter report ingest: warning: {warning}");
        }

        if (fromPipe && result.Stored + result.Duplicates == 0)
        {
            error.WriteLine("authmilter report ingest: nothing stored; the message is accepted anyway, since a bounce to the sender would not help");
        }

        output.WriteLine(
            $"{result.Messages} {Plural(result.Messages, "message")}: {result.Stored} stored, {result.Duplicates} {Plural(result.Duplicates, "duplicate")}, " +
            $"{result.NotReports} not {Plural(result.NotReports, "a report", "reports")}, {result.Malformed} malformed");
    }

    private static string Plural(int count, string one, string? many = null) => count == 1 ? one : many ?? one + "s";
}
