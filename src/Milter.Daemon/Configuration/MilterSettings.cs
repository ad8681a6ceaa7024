using System.Net;
using Milter.Authentication.Dkim;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Dns;
using Milter.Protocol.Handling;
using Milter.Protocol.Hosting;
using Milter.Protocol.Session;
using Milter.Reporting;

namespace Milter.Daemon.Configuration;

/// <summary>
/// The daemon's effective configuration: the defaults, overridden by milter.conf (see <see cref="ConfigKeys"/> for the
/// key of each property and <see cref="MilterConfigFile"/> for the syntax). Set while loading, read-only afterwards.
/// </summary>
public sealed class MilterSettings
{
    /// <summary>Key <c>Socket</c>. Defaults to <c>inet:8895@127.0.0.1</c>.</summary>
    public MilterEndpoint Socket { get; set; } = MilterEndpoint.Parse("inet:8895@127.0.0.1");

    /// <summary>Key <c>SocketMode</c>. Defaults to 0660.</summary>
    public UnixFileMode SocketMode { get; set; } = new MilterServerOptions().SocketMode;

    /// <summary>Key <c>SocketOwner</c>. Defaults to none (the process's user).</summary>
    public string? SocketOwner { get; set; }

    /// <summary>Key <c>MaxConnections</c>. Defaults to 1,024.</summary>
    public int MaxConnections { get; set; } = new MilterServerOptions().MaxConnections;

    /// <summary>Key <c>ShutdownTimeout</c>. Defaults to 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = new MilterServerOptions().ShutdownTimeout;

    /// <summary>Key <c>IdleTimeout</c>. Defaults to 7,210 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = new MilterSessionOptions().IdleTimeout;

    /// <summary>Key <c>MaxPacketSize</c>. Defaults to 1 MiB + 64 KiB.</summary>
    public int MaxPacketSize { get; set; } = new MilterSessionOptions().MaxPacketLength;

    /// <summary>Key <c>MaxHeaders</c>. Defaults to 1,000.</summary>
    public int MaxHeaders { get; set; } = new MilterSessionOptions().MaxHeaders;

    /// <summary>Key <c>OnError</c>: tempfail, accept or reject. Defaults to tempfail.</summary>
    public MilterDecision OnError { get; set; } = MilterDecision.Tempfail;

    /// <summary>Key <c>ProgressInterval</c>: how often SMFIR_PROGRESS is sent while a message's checks run. Defaults to 10 s.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Key <c>LogLevel</c>: trace, debug, info, warn, error. Defaults to info.</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>Key <c>LogTarget</c>: console, syslog or file. Defaults to console (the journal under systemd).</summary>
    public string LogTarget { get; set; } = "console";

    /// <summary>Key <c>LogFile</c>: the file for <c>LogTarget file</c>. Defaults to /var/log/authmilter/authmilter.log.</summary>
    public string LogFile { get; set; } = "/var/log/authmilter/authmilter.log";

    /// <summary>Key <c>SyslogFacility</c>. Defaults to mail.</summary>
    public string SyslogFacility { get; set; } = "mail";

    /// <summary>
    /// Key <c>AuthservId</c>: the authserv-id of our Authentication-Results headers. Unset, the MTA's host name
    /// (macro <c>j</c>) is used per connection, and this host's name where the MTA sends none.
    /// </summary>
    public string AuthservId { get; set; } = System.Net.Dns.GetHostName();

    /// <summary>True when milter.conf sets <c>AuthservId</c>; otherwise the MTA's <c>j</c> macro takes precedence.</summary>
    public bool AuthservIdConfigured { get; set; }

    /// <summary>Key <c>TrustedNetworks</c>: clients whose mail is not checked (the site's own relays). Defaults to loopback.</summary>
    public IReadOnlyList<IPNetwork> TrustedNetworks { get; set; } = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>Keys <c>Nameservers</c>, <c>DnsTimeout</c>, <c>DnsRetries</c>, <c>DnsCacheMinTtl</c>, <c>DnsCacheMaxTtl</c>, <c>DnsCacheMaxEntries</c>.</summary>
    public DnsOptions Dns { get; } = new();

    /// <summary>Key <c>SpfMode</c>: off, header or enforce. Defaults to header.</summary>
    public SpfMode SpfMode { get; set; } = SpfMode.Header;

    /// <summary>Key <c>SpfRejectOn</c>: the results rejected with <c>SpfMode enforce</c>. Defaults to fail.</summary>
    public IReadOnlySet<SpfResult> SpfRejectOn { get; set; } = new HashSet<SpfResult> { SpfResult.Fail };

    /// <summary>Key <c>SpfTempfailOnError</c>: with <c>SpfMode enforce</c>, answer temperror with 451 4.7.24. Defaults to no.</summary>
    public bool SpfTempfailOnError { get; set; }

    /// <summary>Key <c>SpfIgnoreHelo</c>: do not check or report the HELO identity (a null sender is still checked by it). Defaults to no.</summary>
    public bool SpfIgnoreHelo { get; set; }

    /// <summary>Key <c>SpfTimeout</c>: the bound on one transaction's SPF evaluation. Defaults to 20 s (RFC 7208 section 4.6.4).</summary>
    public TimeSpan SpfTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Key <c>DkimVerify</c>: verify DKIM signatures. Defaults to yes.</summary>
    public bool DkimVerify { get; set; } = true;

    /// <summary>Keys <c>DkimMaxSignatures</c>, <c>DkimMinimumKeyBits</c>.</summary>
    public DkimOptions Dkim { get; } = new();

    /// <summary>Key <c>DkimTimeout</c>: the bound on one message's key lookups. Defaults to 10 s.</summary>
    public TimeSpan DkimTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Key <c>SpoolThreshold</c>: message bytes kept in memory before spooling to <see cref="TempDirectory"/>. Defaults to 1 MiB.</summary>
    public int SpoolThreshold { get; set; } = 1024 * 1024;

    /// <summary>Key <c>TempDirectory</c>: where large messages are spooled while they are checked. Defaults to the system temp directory.</summary>
    public string TempDirectory { get; set; } = Path.GetTempPath().TrimEnd('/');

    /// <summary>Key <c>DmarcMode</c>: off, header or enforce. Defaults to enforce.</summary>
    public DmarcMode DmarcMode { get; set; } = DmarcMode.Enforce;

    /// <summary>Keys <c>DmarcDiscovery</c>, <c>PublicSuffixList</c>.</summary>
    public DmarcOptions Dmarc { get; } = new();

    /// <summary>Key <c>DmarcRejectAction</c>: what <c>p=reject</c> does, reject or quarantine. Defaults to reject.</summary>
    public DmarcPolicy DmarcRejectAction { get; set; } = DmarcPolicy.Reject;

    /// <summary>Key <c>DmarcRejectText</c>: the text of the 550 5.7.26 reply; <c>{domain}</c> is the author domain.</summary>
    public string DmarcRejectText { get; set; } = "Rejected by DMARC policy for {domain}";

    /// <summary>Key <c>IgnoreDomains</c>: author domains whose DMARC policy is reported but never applied. Defaults to none.</summary>
    public IReadOnlySet<string> IgnoreDomains { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Key <c>DmarcHonorPct</c>: treat an RFC 7489 <c>pct=0</c> as testing mode (RFC 9989 appendix A.6). Defaults to yes.</summary>
    public bool DmarcHonorPct { get; set; } = true;

    /// <summary>Key <c>DmarcOverrides</c>: local dispositions for failing author domains, read from a file. Defaults to none.</summary>
    public IReadOnlyDictionary<string, DmarcPolicy> DmarcOverrides { get; set; } = new Dictionary<string, DmarcPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The file <see cref="DmarcOverrides"/> was read from; null when unset.</summary>
    public string? DmarcOverridesFile { get; set; }

    /// <summary>Key <c>DmarcTempfailOnError</c>: answer a DMARC temperror with 451 4.4.3. Defaults to no.</summary>
    public bool DmarcTempfailOnError { get; set; }

    /// <summary>Key <c>RejectMultiValueFrom</c>: reject messages with several From fields or authors. Defaults to no.</summary>
    public bool RejectMultiValueFrom { get; set; }

    /// <summary>Key <c>RejectMalformedFrom</c>: reject messages without a usable From address. Defaults to no.</summary>
    public bool RejectMalformedFrom { get; set; }

    /// <summary>Key <c>DmarcTimeout</c>: the bound on one message's DMARC lookups. Defaults to 10 s.</summary>
    public TimeSpan DmarcTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Key <c>IprevCheck</c>: check that the client's PTR name resolves back to it. Defaults to yes.</summary>
    public bool IprevCheck { get; set; } = true;

    /// <summary>Key <c>IprevTimeout</c>: the bound on one client's iprev lookups. Defaults to 10 s.</summary>
    public TimeSpan IprevTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Key <c>ArcVerify</c>: validate ARC chains (RFC 8617). Defaults to yes.</summary>
    public bool ArcVerify { get; set; } = true;

    /// <summary>Key <c>ArcTrustedSealers</c>: sealer domains whose recorded DMARC pass may override a DMARC reject or quarantine. Defaults to none.</summary>
    public IReadOnlySet<string> ArcTrustedSealers { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Keys <c>ReportStore</c>, <c>HistoryRetentionDays</c>, <c>ReportingEnabled</c> and the other reporting keys.</summary>
    public ReportingOptions Reporting { get; } = new();

    /// <summary>Key <c>HttpListen</c>: where the dashboard, metrics and health check are served; null serves none.</summary>
    public IPEndPoint? HttpListen { get; set; }

    /// <summary>Replaces <c>Nameservers</c> with those given on a command line (<c>--nameserver</c>); none given keeps the configured ones.</summary>
    public void UseNameservers(IReadOnlyCollection<IPEndPoint> nameservers)
    {
        if (nameservers.Count == 0)
        {
            return;
        }

        Dns.Nameservers.Clear();
        foreach (var nameserver in nameservers)
        {
            Dns.Nameservers.Add(nameserver);
        }
    }

    /// <summary>The listener options these settings describe.</summary>
    public MilterServerOptions ToServerOptions() => new()
    {
        MaxConnections = MaxConnections,
        ShutdownTimeout = ShutdownTimeout,
        SocketMode = SocketMode,
        SocketOwner = SocketOwner,
        Session = new MilterSessionOptions
        {
            MaxPacketLength = MaxPacketSize,
            MaxHeaders = MaxHeaders,
            OnError = OnError,
            IdleTimeout = IdleTimeout,
        },
    };
}
