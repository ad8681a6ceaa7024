using System.Globalization;
using Milter.Authentication.Dkim;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Dns;
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
    private const string Dns = "DNS";
    private const string Spf = "SPF";
    private const string Dkim = "DKIM";
    private const string Dmarc = "DMARC";
    private const string Arc = "ARC";
    private const string Reporting = "Reporting";
    private const string Http = "HTTP";

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
        new("ProgressInterval", Listener, "While a message's checks wait on DNS, a keep-alive (SMFIR_PROGRESS) goes to the MTA this often, so its milter timeout does not fire.",
            (s, v) => s.ProgressInterval = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(100)), s => ConfigValue.Format(s.ProgressInterval)),
        new("LogLevel", Logging, "`trace`, `debug` (protocol trace), `info` (one line per message), `warn` or `error`.",
            (s, v) => s.LogLevel = ConfigValue.ParseChoice(v, "trace", "debug", "info", "warn", "error"), s => s.LogLevel),
        new("LogTarget", Logging, "`console` (stdout; the journal under systemd), `syslog` (/dev/log) or `file` (LogFile).",
            (s, v) => s.LogTarget = ConfigValue.ParseChoice(v, "console", "syslog", "file"), s => s.LogTarget),
        new("LogFile", Logging, "The log file for `LogTarget file`.",
            (s, v) => s.LogFile = v, s => s.LogFile),
        new("SyslogFacility", Logging, "Facility for `LogTarget syslog`: `mail`, `daemon` or `local0`..`local7`.",
            (s, v) => s.SyslogFacility = ConfigValue.ParseChoice(v, "mail", "daemon", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"),
            s => s.SyslogFacility),
        new("AuthservId", Authentication, "The authserv-id written in Authentication-Results; upstream headers claiming it are removed. Default: the MTA's host name (macro `j`), else this host's name.",
            (s, v) => (s.AuthservId, s.AuthservIdConfigured) = (v, true), s => s.AuthservId),
        new("TrustedNetworks", Authentication, "Comma-separated CIDR list of the site's own relays; their mail is not checked.",
            (s, v) => s.TrustedNetworks = ConfigValue.ParseNetworks(v), s => string.Join(", ", s.TrustedNetworks)),
        new("Nameservers", Dns, "Comma-separated resolvers to ask (`ip`, `ip:port`, `[ipv6]:port`); unset uses /etc/resolv.conf.",
            (s, v) => SetNameservers(s.Dns, v), s => s.Dns.Nameservers.Count == 0 ? "(resolv.conf)" : string.Join(", ", s.Dns.Nameservers.Select(FormatEndPoint))),
        new("DnsTimeout", Dns, "How long to wait for one answer from one resolver.",
            (s, v) => Guard(() => s.Dns.Timeout = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(1))), s => ConfigValue.Format(s.Dns.Timeout)),
        new("DnsRetries", Dns, "Retries per resolver after a timeout before the next one is asked.",
            (s, v) => s.Dns.Retries = ConfigValue.ParseInt(v, 0, DnsOptions.MaxRetries), s => Number(s.Dns.Retries)),
        new("DnsCacheMinTtl", Dns, "Shortest time an answer is cached, whatever its TTL.",
            (s, v) => Guard(() => s.Dns.CacheMinTtl = ConfigValue.ParseDuration(v, TimeSpan.Zero)), s => ConfigValue.Format(s.Dns.CacheMinTtl)),
        new("DnsCacheMaxTtl", Dns, "Longest time an answer is cached (its TTL is clamped to this); `0` turns the cache off.",
            (s, v) => Guard(() => s.Dns.CacheMaxTtl = ConfigValue.ParseDuration(v, TimeSpan.Zero)), s => ConfigValue.Format(s.Dns.CacheMaxTtl)),
        new("DnsCacheMaxEntries", Dns, "Most answers kept in the cache; senders choose the names, so it is bounded.",
            (s, v) => s.Dns.CacheMaxEntries = ConfigValue.ParseInt(v, 1, 10_000_000), s => Number(s.Dns.CacheMaxEntries)),
        new("SpfMode", Spf, "`off`, `header` (add Received-SPF and spf= results) or `enforce` (also reject at MAIL FROM).",
            (s, v) => s.SpfMode = Enum.Parse<SpfMode>(ConfigValue.ParseChoice(v, "off", "header", "enforce"), ignoreCase: true), s => s.SpfMode.ToString().ToLowerInvariant()),
        new("SpfRejectOn", Spf, "With `SpfMode enforce`, the results answered `550 5.7.23`: `fail` or `fail,softfail`.",
            (s, v) => s.SpfRejectOn = ConfigValue.ParseList(v).Select(r => ConfigValue.ParseChoice(r, "fail", "softfail") == "fail" ? SpfResult.Fail : SpfResult.SoftFail).ToHashSet(),
            s => string.Join(",", s.SpfRejectOn.Order().Select(ReceivedSpfHeader.Keyword))),
        new("SpfTempfailOnError", Spf, "With `SpfMode enforce`, answer an SPF temperror (DNS failure) with `451 4.7.24` so the sender retries.",
            (s, v) => s.SpfTempfailOnError = ConfigValue.ParseBool(v), s => YesNo(s.SpfTempfailOnError)),
        new("SpfIgnoreHelo", Spf, "Neither check nor report the HELO identity (a null sender is still checked through it).",
            (s, v) => s.SpfIgnoreHelo = ConfigValue.ParseBool(v), s => YesNo(s.SpfIgnoreHelo)),
        new("SpfTimeout", Spf, "Time limit for the SPF checks of one transaction; past it the result is temperror.",
            (s, v) => s.SpfTimeout = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(100)), s => ConfigValue.Format(s.SpfTimeout)),
        new("IprevCheck", Authentication, "Check that the client's PTR name resolves back to its address (RFC 8601 iprev) and report it.",
            (s, v) => s.IprevCheck = ConfigValue.ParseBool(v), s => YesNo(s.IprevCheck)),
        new("IprevTimeout", Authentication, "Time limit for one client's iprev lookups; past it the result is temperror.",
            (s, v) => s.IprevTimeout = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(100)), s => ConfigValue.Format(s.IprevTimeout)),
        new("DkimVerify", Dkim, "Verify DKIM signatures (RFC 6376, RFC 8463) and report them as dkim= results.",
            (s, v) => s.DkimVerify = ConfigValue.ParseBool(v), s => YesNo(s.DkimVerify)),
        new("DkimMaxSignatures", Dkim, "Most signatures verified per message; further ones are reported as `policy`.",
            (s, v) => Guard(() => s.Dkim.MaxSignatures = ConfigValue.ParseInt(v, 1, 100)), s => Number(s.Dkim.MaxSignatures)),
        new("DkimMinimumKeyBits", Dkim, "Smallest RSA key accepted (RFC 8301 forbids less than 1024); rsa-sha1 is never accepted.",
            (s, v) => Guard(() => s.Dkim.MinimumRsaKeyBits = ConfigValue.ParseInt(v, DkimOptions.Rfc8301MinimumRsaKeyBits, 16384)), s => Number(s.Dkim.MinimumRsaKeyBits)),
        new("DkimTimeout", Dkim, "Time limit for one message's key lookups; signatures whose key is not in by then are `temperror`.",
            (s, v) => s.DkimTimeout = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(100)), s => ConfigValue.Format(s.DkimTimeout)),
        new("SpoolThreshold", Dkim, "Message bytes held in memory per connection; a larger message is spooled to `TempDirectory` while it is checked.",
            (s, v) => s.SpoolThreshold = ConfigValue.ParseInt(v, 4096, 256 * 1024 * 1024), s => Number(s.SpoolThreshold)),
        new("TempDirectory", Dkim, "Where large messages are spooled (files are deleted when the message ends).",
            (s, v) => s.TempDirectory = Directory.Exists(v) ? v : throw new FormatException($"'{v}' is not a directory."), s => s.TempDirectory),
        new("DmarcMode", Dmarc, "`off`, `header` (write dmarc= results only) or `enforce` (also reject or quarantine as the domain's policy asks).",
            (s, v) => s.DmarcMode = Enum.Parse<DmarcMode>(ConfigValue.ParseChoice(v, "off", "header", "enforce"), ignoreCase: true), s => s.DmarcMode.ToString().ToLowerInvariant()),
        new("DmarcDiscovery", Dmarc, "How policy and organizational domain are found: `treewalk` (RFC 9989 DNS tree walk) or `psl` (RFC 7489, Public Suffix List).",
            (s, v) => s.Dmarc.Discovery = ConfigValue.ParseChoice(v, "treewalk", "psl") == "psl" ? DmarcDiscoveryMode.PublicSuffixList : DmarcDiscoveryMode.TreeWalk,
            s => s.Dmarc.Discovery == DmarcDiscoveryMode.PublicSuffixList ? "psl" : "treewalk"),
        new("PublicSuffixList", Dmarc, "The Public Suffix List file for `DmarcDiscovery psl` (Debian package publicsuffix).",
            (s, v) => Guard(() => s.Dmarc.PublicSuffixListPath = v), s => s.Dmarc.PublicSuffixListPath),
        new("DmarcRejectAction", Dmarc, "What `p=reject` does in enforce mode: `reject` (550 5.7.26) or `quarantine` (Postfix's hold queue).",
            (s, v) => s.DmarcRejectAction = ConfigValue.ParseChoice(v, "reject", "quarantine") == "reject" ? DmarcPolicy.Reject : DmarcPolicy.Quarantine,
            s => s.DmarcRejectAction.ToString().ToLowerInvariant()),
        new("DmarcRejectText", Dmarc, "Text of the `550 5.7.26` reply to a DMARC reject; `{domain}` is replaced by the author domain.",
            (s, v) => s.DmarcRejectText = v.All(c => c is >= ' ' and < (char)127) ? v : throw new FormatException("the reply text must be printable ASCII."),
            s => s.DmarcRejectText),
        new("IgnoreDomains", Dmarc, "Comma-separated author domains whose DMARC result is reported but whose policy is never applied (e.g. partners with a broken setup).",
            (s, v) => s.IgnoreDomains = ParseDomains(v), s => s.IgnoreDomains.Count == 0 ? "(none)" : string.Join(", ", s.IgnoreDomains.Order())),
        new("DmarcHonorPct", Dmarc, "Read an RFC 7489 `pct=0` as testing mode (reject applied as quarantine), as RFC 9989 says; `no` applies such records' policy in full.",
            (s, v) => s.DmarcHonorPct = ConfigValue.ParseBool(v), s => YesNo(s.DmarcHonorPct)),
        new("DmarcOverrides", Dmarc, "A file of `domain action` lines (action `none`, `quarantine` or `reject`): what to do with failing mail from that author domain, whatever it publishes.",
            (s, v) => (s.DmarcOverridesFile, s.DmarcOverrides) = (v, DmarcOverridesFile.Load(v)), s => s.DmarcOverridesFile ?? "(unset)"),
        new("DmarcTempfailOnError", Dmarc, "In enforce mode, answer a DMARC temperror (a DNS failure with nothing aligned passing) with `451 4.4.3`; otherwise accept.",
            (s, v) => s.DmarcTempfailOnError = ConfigValue.ParseBool(v), s => YesNo(s.DmarcTempfailOnError)),
        new("RejectMultiValueFrom", Dmarc, "In enforce mode, reject a message with several From fields, several authors or a group (otherwise each author domain is evaluated and the strictest policy applies).",
            (s, v) => s.RejectMultiValueFrom = ConfigValue.ParseBool(v), s => YesNo(s.RejectMultiValueFrom)),
        new("RejectMalformedFrom", Dmarc, "In enforce mode, reject a message without a usable From address (none, unparsable, no domain), which DMARC cannot evaluate.",
            (s, v) => s.RejectMalformedFrom = ConfigValue.ParseBool(v), s => YesNo(s.RejectMalformedFrom)),
        new("DmarcTimeout", Dmarc, "Time limit for one message's DMARC lookups; past it the result is temperror.",
            (s, v) => s.DmarcTimeout = ConfigValue.ParseDuration(v, TimeSpan.FromMilliseconds(100)), s => ConfigValue.Format(s.DmarcTimeout)),
        new("ArcVerify", Arc, "Validate ARC chains (RFC 8617) and report them as arc= results; uses the DKIM key rules and `DkimTimeout`.",
            (s, v) => s.ArcVerify = ConfigValue.ParseBool(v), s => YesNo(s.ArcVerify)),
        new("ArcTrustedSealers", Arc, "Comma-separated sealer domains (mailing lists, forwarders) whose passing ARC chain with a recorded dmarc=pass overrides a DMARC reject or quarantine.",
            (s, v) => s.ArcTrustedSealers = ParseDomains(v),
            s => s.ArcTrustedSealers.Count == 0 ? "(none)" : string.Join(", ", s.ArcTrustedSealers.Order())),
        new("ReportStore", Reporting, "Where DMARC history and received reports are kept: `sqlite:PATH`, `postgres:CONNECTION-STRING` (several MTAs sharing one database) or `none`.",
            (s, v) => s.Reporting.Store = ParseStore(v), s => s.Reporting.Store),
        new("HistoryRetentionDays", Reporting, "Days history, report deliveries and received reports are kept.",
            (s, v) => s.Reporting.HistoryRetentionDays = ConfigValue.ParseInt(v, 1, 3650), s => Number(s.Reporting.HistoryRetentionDays)),
        new("HistoryQueueSize", Reporting, "Evaluations waiting to be written to the store; when it is full new ones are dropped and counted, mail is never held up.",
            (s, v) => s.Reporting.HistoryQueueSize = ConfigValue.ParseInt(v, 1, 10_000_000), s => Number(s.Reporting.HistoryQueueSize)),
        new("ReportingEnabled", Reporting, "Send DMARC aggregate reports from the daemon after each period (otherwise run `authmilter report send` from cron).",
            (s, v) => s.Reporting.Enabled = ConfigValue.ParseBool(v), s => YesNo(s.Reporting.Enabled)),
        new("ReportInterval", Reporting, "The reporting period, aligned to 00:00 UTC; it must divide a day (e.g. `1h`, `6h`, `1d`).",
            (s, v) => s.Reporting.Interval = ParseReportInterval(v), s => ConfigValue.Format(s.Reporting.Interval)),
        new("ReportOrgName", Reporting, "Our `org_name` in the reports we send. Default: this host's name.",
            (s, v) => s.Reporting.OrgName = v, s => s.Reporting.OrgName),
        new("ReportContact", Reporting, "Our contact address in reports, and the From address of report mail. Default: postmaster at this host's name.",
            (s, v) => s.Reporting.Contact = ParseAddress(v), s => s.Reporting.Contact),
        new("ReportSmtpServer", Reporting, "The SMTP server reports are handed to: `host` or `host:port`.",
            (s, v) => s.Reporting.SmtpServer = v, s => s.Reporting.SmtpServer),
        new("ReportSkipTo", Reporting, "Comma-separated recipients (addresses or domains) whose incoming mail is not recorded, such as our own report mailbox.",
            (s, v) => s.Reporting.SkipTo = ParseDomains(v), s => s.Reporting.SkipTo.Count == 0 ? "(none)" : string.Join(", ", s.Reporting.SkipTo.Order())),
        new("ReportSuppress", Reporting, "Comma-separated report destinations (addresses or domains) never sent to.",
            (s, v) => s.Reporting.Suppress = ParseDomains(v), s => s.Reporting.Suppress.Count == 0 ? "(none)" : string.Join(", ", s.Reporting.Suppress.Order())),
        new("FailureReports", Reporting, "Send DMARC failure reports to `ruf` addresses as the domain's `fo` asks (RFC 9991).",
            (s, v) => s.Reporting.FailureReports = ConfigValue.ParseBool(v), s => YesNo(s.Reporting.FailureReports)),
        new("FailureReportRate", Reporting, "Most failure reports sent per policy domain per hour.",
            (s, v) => s.Reporting.FailureReportRate = ConfigValue.ParseInt(v, 1, 100_000), s => Number(s.Reporting.FailureReportRate)),
        new("HttpListen", Http, "Address and port of the dashboard, `/metrics` (Prometheus) and `/healthz`, e.g. `127.0.0.1:8896`; unset serves none.",
            (s, v) => s.HttpListen = ParseListen(v), s => s.HttpListen?.ToString() ?? "(unset)"),
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

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static HashSet<string> ParseDomains(string text) =>
        ConfigValue.ParseList(text).Select(d => d.TrimEnd('.').ToLowerInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string ParseStore(string text) =>
        text == "none" || text.StartsWith("sqlite:", StringComparison.Ordinal) && text.Length > 7 || text.StartsWith("postgres:", StringComparison.Ordinal) && text.Length > 9
            ? text
            : throw new FormatException("expected sqlite:PATH, postgres:CONNECTION-STRING or none.");

    private static TimeSpan ParseReportInterval(string text)
    {
        var interval = ConfigValue.ParseDuration(text, TimeSpan.FromMinutes(1));
        return TimeSpan.FromDays(1).Ticks % interval.Ticks == 0 ? interval : throw new FormatException("the interval must divide a day.");
    }

    private static string ParseAddress(string text) =>
        MimeKit.MailboxAddress.TryParse(text, out var address) && address.Domain.Length > 0 ? address.Address : throw new FormatException("expected an email address.");

    private static System.Net.IPEndPoint ParseListen(string text) =>
        System.Net.IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0 ? endPoint : throw new FormatException("expected ADDRESS:PORT, e.g. 127.0.0.1:8896.");

    private static string FormatEndPoint(System.Net.IPEndPoint endPoint) =>
        endPoint.Port == DnsOptions.DefaultPort ? endPoint.Address.ToString() : endPoint.ToString();

    private static void SetNameservers(DnsOptions options, string text)
    {
        options.Nameservers.Clear();
        foreach (var item in ConfigValue.ParseList(text))
        {
            options.Nameservers.Add(DnsOptions.ParseNameserver(item));
        }
    }

    // DnsOptions setters guard their own ranges; their ArgumentOutOfRangeException becomes a config error.
    private static void Guard(Action set)
    {
        try
        {
            set();
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new FormatException(exception.Message.Split(" (Parameter")[0]);
        }
    }

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
