using System.Globalization;
using System.Net;
using Milter.Dns;

namespace Milter.Daemon.Cli;

/// <summary>
/// The command line of the subcommands that replay one SMTP transaction (<c>spf</c>, <c>verify</c>): the client,
/// HELO and envelope, <c>--nameserver</c>, <c>--config</c>, and for <c>verify</c> the message file and <c>--now</c>.
/// </summary>
internal sealed class TransactionArguments
{
    public required IPAddress Ip { get; init; }

    public required string Helo { get; init; }

    /// <summary>The MAIL FROM address without angle brackets; empty for the null sender.</summary>
    public required string Sender { get; init; }

    public IReadOnlyList<string> Recipients { get; init; } = [];

    public IReadOnlyList<IPEndPoint> Nameservers { get; init; } = [];

    public string? ConfigPath { get; init; }

    /// <summary>The message file (verify only).</summary>
    public string? File { get; init; }

    /// <summary>The clock to judge the message by (<c>--now</c>, verify only); null for the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Parses the arguments after the subcommand's name.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="withMessage">True for verify: a FILE, <c>--rcpt</c> and <c>--now</c> are accepted, and the FILE is required.</param>
    /// <exception cref="FormatException">An argument is unknown, lacks its value, or is malformed, or a required one is missing.</exception>
    public static TransactionArguments Parse(IReadOnlyList<string> args, bool withMessage)
    {
        IPAddress? ip = null;
        string? helo = null;
        string? sender = null;
        string? configPath = null;
        string? file = null;
        TimeProvider? clock = null;
        var recipients = new List<string>();
        var nameservers = new List<IPEndPoint>();
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
                case "--nameserver":
                    nameservers.Add(DnsOptions.ParseNameserver(Value()));
                    break;
                case "--config" or "-c":
                    configPath = Value();
                    break;
                case "--rcpt" when withMessage:
                    recipients.Add(Value().Trim('<', '>'));
                    break;
                case "--now" when withMessage:
                    var seconds = Value();
                    clock = long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
                        ? new FixedClock(DateTimeOffset.FromUnixTimeSeconds(unix))
                        : throw new FormatException($"'{seconds}' is not a UNIX time in seconds.");
                    break;
                case var path when withMessage && !path.StartsWith('-') && file is null:
                    file = path;
                    break;
                default:
                    throw new FormatException($"unexpected argument '{args[i]}'.");
            }
        }

        if (ip is null || helo is null || sender is null || (withMessage && file is null))
        {
            throw new FormatException((withMessage ? "FILE, " : string.Empty) + "--ip, --helo and --sender (or --null-sender) are required.");
        }

        return new TransactionArguments
        {
            Ip = ip,
            Helo = helo,
            Sender = sender,
            Recipients = recipients,
            Nameservers = nameservers,
            ConfigPath = configPath,
            File = file,
            Clock = clock,
        };
    }
}
