using System.Globalization;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.Protocol.Session;

namespace Milter.Daemon.Configuration;

/// <summary>Every milter.conf key, in the order the README and <c>--check</c> list them.</summary>
public static class ConfigKeys
{
    private const string Listener = "Listener";
    private const string Logging = "Logging";
    private const string Authentication = "Authentication";

    /// <summary>All keys.</summary>
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new("Socket", Listener, "Where the MTA connects: `inet:PORT@HOST`, `inet6:PORT@HOST` or `unix:/path`.",
            (s, v) => s.Socket = MilterEndpoint.Parse(v), s => s.Socket.Text),
        new("SocketMode", Listener, "Permissions of a unix socket, octal.",
            (s, v) => s.SocketMode = ConfigValue.ParseFileMode(v), s => "0" + Convert.ToString((int)s.SocketMode, 8)),
        new("SocketOwner", Listener, "Owner of a unix socket: `user`, `user:group` or `:group`; unset keeps the daemon's user.",
            (s, v) => s.SocketOwner = v, s => s.SocketOwner ?? "(unset)"),
        new("MaxConnections", Listener, "Most MTA connections served at once; more wait in the listen backlog.",
            (s, v) => s.MaxConnections = ConfigValue.ParseInt(v, 1, 100_000), s => Number(s.MaxConnections)),
        new("ShutdownTimeout", Listener, "On SIGTERM, how long messages in progress may take to finish before their connections close.",
            (s, v) => s.ShutdownTimeout = ConfigValue.ParseDuration(v, TimeSpan.Zero), s => ConfigValue.Format(s.ShutdownTimeout)),
        new("IdleTimeout", Listener, "An MTA connection silent this long is closed.",
            (s, v) => s.IdleTimeout = ConfigValue.ParseDuration(v, TimeSpan.FromSeconds(1)), s => ConfigValue.Format(s.IdleTimeout)),
        new("MaxPacketSize", Listener, $"Largest milter packet accepted, in bytes (at least {MilterSessionOptions.MinPacketLength}); a larger one closes the connection.",
            (s, v) => s.MaxPacketSize = ConfigValue.ParseInt(v, MilterSessionOptions.MinPacketLength, 64 * 1024 * 1024), s => Number(s.MaxPacketSize)),
        new("MaxHeaders", Listener, "Most header fields examined per message; further ones pass unexamined.",
            (s, v) => s.MaxHeaders = ConfigValue.ParseInt(v, 1, 100_000), s => Number(s.MaxHeaders)),
        new("OnError", Listener, "The answer when a check fails internally: `tempfail`, `accept` or `reject`.",
            (s, v) => s.OnError = ConfigValue.ParseChoice(v, "tempfail", "accept", "reject") switch
            {
                "accept" => MilterDecision.Accept,
                "reject" => MilterDecision.Reject,
                _ => MilterDecision.Tempfail,
            },
            s => s.OnError.ToString()),
        new("LogLevel", Logging, "`trace`, `debug` (protocol trace), `info` (one line per message), `warn` or `error`.",
            (s, v) => s.LogLevel = ConfigValue.ParseChoice(v, "trace", "debug", "info", "warn", "error"), s => s.LogLevel),
        new("LogTarget", Logging, "`console` (stdout; the journal under systemd), `syslog` (/dev/log) or `file` (LogFile).",
            (s, v) => s.LogTarget = ConfigValue.ParseChoice(v, "console", "syslog", "file"), s => s.LogTarget),
        new("LogFile", Logging, "The log file for `LogTarget file`.",
            (s, v) => s.LogFile = v, s => s.LogFile),
        new("SyslogFacility", Logging, "Facility for `LogTarget syslog`: `mail`, `daemon` or `local0`..`local7`.",
            (s, v) => s.SyslogFacility = ConfigValue.ParseChoice(v, "mail", "daemon", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"),
            s => s.SyslogFacility),
        new("AuthservId", Authentication, "The authserv-id written in Authentication-Results; upstream headers claiming it are removed. Default: the host name.",
            (s, v) => s.AuthservId = v, s => s.AuthservId),
        new("TrustedNetworks", Authentication, "Comma-separated CIDR list of the site's own relays; their mail is not checked.",
            (s, v) => s.TrustedNetworks = ConfigValue.ParseNetworks(v), s => string.Join(", ", s.TrustedNetworks)),
    ];

    /// <summary>The keys by name, case-insensitive.</summary>
    public static IReadOnlyDictionary<string, ConfigKey> ByName { get; } = All.ToDictionary(k => k.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The known key closest to a misspelt one, if any is close.</summary>
    public static string? Suggest(string name) =>
        All.Select(k => (k.Name, Distance: Distance(k.Name.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 4))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
