using System.Globalization;
using System.Net;
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
        string? file = null;
        IPAddress? ip = null;
        string? helo = null;
        string? sender = null;
        string? configPath = null;
        var recipients = new List<string>();
        var nameservers = new List<IPEndPoint>();
        TimeProvider? clock = null;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--ip":
                        var text = Value();
                        ip = IPAddress.TryParse(text, out var parsed) ? parsed : throw new FormatException($"'{text}' is not an IP address.");
                        break;
                    case "--helo":
                        helo = Value();
                        break;
                    case "--sender":
                        sender = Value().Trim('<', '>');
                        break;
                    case "--null-sender":
                        sender = string.Empty;
                        break;
                    case "--rcpt":
                        recipients.Add(Value().Trim('<', '>'));
                        break;
                    case "--nameserver":
                        nameservers.Add(DnsOptions.ParseNameserver(Value()));
                        break;
                    case "--now":
                        var seconds = Value();
                        clock = long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
                            ? new FixedClock(DateTimeOffset.FromUnixTimeSeconds(unix))
                            : throw new FormatException($"'{seconds}' is not a UNIX time in seconds.");
                        break;
                    case "--config" or "-c":
                        configPath = Value();
                        break;
                    case var path when !path.StartsWith('-') && file is null:
                        file = path;
                        break;
                    default:
                        throw new FormatException($"unexpected argument '{args[i]}'.");
                }
            }

            if (file is null || ip is null || helo is null || sender is null)
            {
                throw new FormatException("FILE, --ip, --helo and --sender (or --null-sender) are required.");
            }
        }
        catch (FormatException exception)
        {
            error.WriteLine($"authmilter verify: {exception.Message}");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        if (SettingsLoader.TryLoad(configPath, error) is not { } settings)
        {
            return ExitCodes.Config;
        }

        settings.UseNameservers(nameservers);
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
        var handler = new AuthenticationMilterHandlerFactory(settings, resolver, NullLoggerFactory.Instance, clock).Create();
        var replay = new MilterReplayMessage(ip, $"[{ip}]", helo, sender, recipients.Count == 0 ? ["postmaster@localhost"] : recipients, message);
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
