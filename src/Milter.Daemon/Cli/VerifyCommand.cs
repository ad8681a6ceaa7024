using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Filtering;
using Milter.Dns;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Cli;

/// <summary>
/// <c>authmilter verify</c>: runs a message file through the daemon's whole pipeline, with its configuration and
/// real DNS, and prints the headers it would add, the changes it would make, and the verdict.
/// </summary>
internal static class VerifyCommand
{
    public const string Usage = """
        usage: authmilter verify FILE --ip ADDRESS --helo NAME (--sender ADDRESS | --null-sender) [--rcpt ADDRESS]
                                 [--nameserver IP[:PORT]] [--now UNIX-TIME] [--config FILE]
          runs FILE through the whole pipeline as the daemon would (settings from --config) and prints the
          Authentication-Results and Received-SPF lines exactly as they would be inserted, and the verdict;
          --now judges an old message as of its arrival time
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        TransactionArguments arguments;
        try
        {
            arguments = TransactionArguments.Parse(args, withMessage: true);
        }
        catch (FormatException exception)
        {
            error.WriteLine($"authmilter verify: {exception.Message}");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        if (SettingsLoader.TryLoad(arguments.ConfigPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        settings.UseNameservers(arguments.Nameservers);
        var file = arguments.File!;
        byte[] message;
        try
        {
            message = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"authmilter verify: cannot read {file}: {exception.Message}");
            return ExitCodes.Failure;
        }

        var resolver = new CachingDnsResolver(new DnsClientResolver(settings.Dns), settings.Dns);
        var handler = new AuthenticationMilterHandlerFactory(settings, resolver, NullLoggerFactory.Instance, arguments.Clock).Create();
        var replay = new MilterReplayMessage(arguments.Ip, $"[{arguments.Ip}]", arguments.Helo, arguments.Sender, arguments.Recipients.Count == 0 ? ["postmaster@localhost"] : arguments.Recipients, message);
        MilterReplayResult result;
        try
        {
            result = await MilterReplay.RunAsync(handler, replay, CancellationToken.None).ConfigureAwait(false);
        }
        catch (FormatException exception)
        {
            error.WriteLine($"authmilter verify: {file}: {exception.Message}");
            return ExitCodes.Failure;
        }

        Print(result, output);
        return ExitCodes.Success;
    }

    private static void Print(MilterReplayResult result, TextWriter output)
    {
        if (result.EndOfMessage is { } end)
        {
            // Each insert at index 0 lands above the one before, so the last inserted is the top line.
            foreach (var insert in end.HeaderChanges.OfType<HeaderChange.Insert>().Reverse())
            {
                output.WriteLine($"{insert.Name}: {insert.Value}");
            }

            foreach (var change in end.HeaderChanges.Where(c => c is not HeaderChange.Insert))
            {
                output.WriteLine(change switch
                {
                    HeaderChange.Delete delete => $"delete: {delete.Name} #{delete.Occurrence} (claims our authserv-id)",
                    HeaderChange.Add add => $"add at the end: {add.Name}: {add.Value}",
                    HeaderChange.Change replace => $"replace: {replace.Name} #{replace.Occurrence}: {replace.Value}",
                    _ => change.ToString(),
                });
            }

            if (end.QuarantineReason is { } reason)
            {
                output.WriteLine($"quarantine: {reason}");
            }
        }

        output.WriteLine(result.RefusedAt is { } stage ? $"verdict at {stage}: {result.Decision}" : $"verdict: {result.Decision}");
    }
}
