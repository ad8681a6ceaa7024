using Milter.Authentication.Results;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Daemon.Filtering;
using Milter.Dns;

namespace Milter.Daemon.Cli;

/// <summary>
/// <c>authmilter spf</c>: checks one SMTP transaction as the daemon would and prints the results, the headers it
/// would add, the decision under the configured <c>SpfMode</c>, and a trace of every record, term and DNS query.
/// </summary>
internal static class SpfCommand
{
    public const string Usage = """
        usage: authmilter spf --ip ADDRESS (--sender ADDRESS | --null-sender) --helo NAME [--nameserver IP[:PORT]] [--config FILE]
          checks SPF for a client as the daemon would (its DNS and SPF settings come from --config),
          and prints the result, the Received-SPF and Authentication-Results headers, and a trace
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        TransactionArguments arguments;
        try
        {
            arguments = TransactionArguments.Parse(args, withMessage: false);
        }
        catch (FormatException exception)
        {
            error.WriteLine($"authmilter spf: {exception.Message}");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        if (SettingsLoader.TryLoad(arguments.ConfigPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        settings.UseNameservers(arguments.Nameservers);

        var checker = new SpfChecker(new DnsClientResolver(settings.Dns), new SpfOptions { ReceiverName = settings.AuthservId, RecordTrace = true });
        var verdict = await new SpfPolicy(checker, settings).EvaluateAsync(arguments.Ip, arguments.Sender, arguments.Helo, CancellationToken.None).ConfigureAwait(false);
        Print(verdict, settings, output);
        return ExitCodes.Success;
    }

    private static void Print(SpfVerdict verdict, MilterSettings settings, TextWriter output)
    {
        foreach (var evaluation in verdict.Helo is null ? [verdict.MailFrom] : new[] { verdict.MailFrom, verdict.Helo })
        {
            var identity = evaluation.Identity == SpfIdentity.Helo ? "helo" : "mailfrom";
            output.WriteLine($"{identity} {evaluation.Sender}: {ReceivedSpfHeader.Keyword(evaluation.Result)}");
            output.WriteLine($"  mechanism: {evaluation.Mechanism ?? "(none)"}");
            if (evaluation.Problem is { } problem)
            {
                output.WriteLine($"  problem: {problem}");
            }

            if (evaluation.Explanation is { } explanation)
            {
                output.WriteLine($"  explanation: {explanation}");
            }

            output.WriteLine($"  dns lookups: {evaluation.DnsLookups}, void lookups: {evaluation.VoidLookups}");
            foreach (var entry in evaluation.Trace ?? [])
            {
                output.WriteLine($"  {new string(' ', entry.Depth * 2)}{entry.Kind.ToString().ToLowerInvariant(),-6} {entry.Text}");
            }

            output.WriteLine();
        }

        output.WriteLine($"{ReceivedSpfHeader.FieldName}: {ReceivedSpfHeader.Format(verdict.MailFrom, settings.AuthservId)}");
        output.WriteLine($"{AuthenticationResultsHeader.FieldName}: {AuthenticationResultsHeader.Format(settings.AuthservId, verdict.MethodResults().ToArray())}");
        output.WriteLine($"decision (SpfMode {settings.SpfMode.ToString().ToLowerInvariant()}): {verdict.Decision}");
    }
}
