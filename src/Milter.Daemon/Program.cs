using Milter.Daemon.Cli;

namespace Milter.Daemon;

/// <summary>The <c>authmilter</c> executable: the daemon and its admin subcommands.</summary>
public static class Program
{
    private const string Usage = """
        usage: authmilter [--config FILE] [--check]     run the milter daemon (built-in defaults without --config)
                                                        --check: validate the configuration, print it, and exit
               authmilter spf --ip ADDRESS --sender ADDRESS --helo NAME [--nameserver IP[:PORT]] [--config FILE]
                                                        check SPF as the daemon would, with a trace
               authmilter verify FILE --ip ADDRESS --helo NAME --sender ADDRESS [--nameserver IP[:PORT]] [--now UNIX-TIME] [--config FILE]
                                                        run a message through the whole pipeline and print what would be added
               authmilter report send [--config FILE] [--dry-run] [--period YYYY-MM-DD | BEGIN/END]
                                                        send the DMARC aggregate reports of a period
               authmilter report ingest [--config FILE] [PATH...]
                                                        store the aggregate reports in messages (stdin, .eml, mbox, Maildir)
               authmilter report summary [--config FILE] [--domain DOMAIN] [--days N] [--json]
                                                        summarize the aggregate reports received
               authmilter --help | --version
        """;

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["spf", .. var spfArgs]:
                return await SpfCommand.RunAsync(spfArgs, Console.Out, Console.Error).ConfigureAwait(false);
            case ["verify", .. var verifyArgs]:
                return await VerifyCommand.RunAsync(verifyArgs, Console.Out, Console.Error).ConfigureAwait(false);
            case ["report", "send", .. var sendArgs]:
                return await ReportSendCommand.RunAsync(sendArgs, Console.Out, Console.Error).ConfigureAwait(false);
            case ["report", "ingest", .. var ingestArgs]:
                using (var input = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.Latin1))
                {
                    return await ReportIngestCommand.RunAsync(ingestArgs, input, Console.Out, Console.Error).ConfigureAwait(false);
                }

            case ["report", "summary", .. var summaryArgs]:
                return await ReportSummaryCommand.RunAsync(summaryArgs, Console.Out, Console.Error).ConfigureAwait(false);
            case ["report", ..]:
                Console.Error.WriteLine("authmilter: report needs one of send, ingest, summary.");
                Console.Error.WriteLine(Usage);
                return ExitCodes.Usage;
        }

        string? configPath = null;
        var check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    configPath = args[++i];
                    break;
                case "--check":
                    check = true;
                    break;
                case "--help" or "-h":
                    Console.Out.WriteLine(Usage);
                    return ExitCodes.Success;
                case "--version":
                    Console.Out.WriteLine($"authmilter {typeof(Program).Assembly.GetName().Version}");
                    return ExitCodes.Success;
                default:
                    Console.Error.WriteLine($"authmilter: unexpected argument '{args[i]}'.");
                    Console.Error.WriteLine(Usage);
                    return ExitCodes.Usage;
            }
        }

        if (SettingsLoader.TryLoad(configPath, Console.Error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        if (check)
        {
            ConfigCheck.Print(settings, configPath ?? "built-in defaults", Console.Out);
            return ExitCodes.Success;
        }

        return await DaemonHost.RunAsync(settings).ConfigureAwait(false);
    }
}
