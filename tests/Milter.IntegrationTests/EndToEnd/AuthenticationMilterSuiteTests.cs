using System.Text;
using Milter.IntegrationTests.Support;
using Milter.TestKit;
using Milter.TestKit.Dns;

namespace Milter.IntegrationTests.EndToEnd;

/// <summary>
/// The end-to-end suite of fastmail/authentication_milter (<c>shared/testdata/authmilter-e2e</c>, see its SOURCE.md):
/// each row's SMTP transaction replayed through a real Postfix (XCLIENT sets client address and HELO) to the real
/// authmilter process resolving through knotd, which serves the suite's zonefile; the spf, dkim, dmarc and iprev
/// verdicts authmilter writes are compared with upstream's, not the header text.
/// </summary>
/// <remarks>
/// Two daemons stand in for upstream's configurations. The reporting one (DmarcMode header, authserv-id
/// <c>test.module</c> as upstream's "normal" configuration, 123.123.12.3 added to TrustedNetworks as upstream's trusted
/// list) takes the "normal" rows and the two allow-list rows; the enforcing one (DmarcMode enforce, authserv-id
/// <c>mx.example.net</c>) takes the "dmarc_reject" and "hide_none" rows. Both use the RFC 9989 tree walk, which gives
/// every documented DMARC answer for these .com/.net/.org domains.
/// </remarks>
[NonParallelizable]
public class AuthenticationMilterSuiteTests
{
    private const string ReportingAuthservId = "test.module";
    private const string EnforcingAuthservId = "mx.example.net";
    private const string TrustedClient = "123.123.12.3";

    // Rows whose point is an upstream feature authmilter has no counterpart for.
    private static readonly Dictionary<string, string> Ignored = new()
    {
        ["am01"] = "upstream configuration \"timeout\" makes every handler time out so that no header is added; "
            + "authmilter's per-check time limits (SpfTimeout, DkimTimeout, DmarcTimeout, IprevTimeout) turn a timeout into temperror "
            + "results, which this zonefile cannot provoke",
        ["am07"] = "upstream \"ip_map\" rewrites client 4.3.2.1 to 74.125.82.171 before checking; authmilter has no address remapping",
        ["am08"] = "upstream \"ip_map\" rewrites clients in 5.4.3.0/24 to 74.125.82.171 before checking; authmilter has no address remapping",
        ["am26"] = "upstream configuration \"dryrun\" checks but adds no header; authmilter has no dry-run mode (DmarcMode header still writes results)",
    };

    // Rows from clients authmilter passes unchecked (TrustedNetworks): upstream still reports DKIM for them.
    private static readonly Dictionary<string, string> Trusted = new()
    {
        ["am02"] = "127.0.0.1 is in the default TrustedNetworks",
        ["am03"] = "127.0.0.1 is in the default TrustedNetworks",
        ["am04"] = $"{TrustedClient} is in TrustedNetworks here, as on upstream's trusted list",
    };

    // Rows run on the reporting daemon although upstream ran them with DMARC rejection on.
    private static readonly Dictionary<string, string> NotEnforced = new()
    {
        ["am24"] = "upstream exempts the client from DMARC rejection by an IP allow-list; authmilter has none, DmarcMode header stands in",
        ["am25"] = "upstream exempts mail signed by a trusted forwarder from DMARC rejection; authmilter trusts only ARC sealers "
            + "(the message has no ARC set), DmarcMode header stands in",
    };

    // Rows where an RFC makes authmilter's answer differ from upstream's: the verdicts asserted instead, and why.
    private static readonly Dictionary<string, (Dictionary<string, string> Verdicts, string Reason)> Differences = new()
    {
        ["am11"] = (new() { ["spf"] = "none", ["dmarc"] = "fail" },
            "RFC 7208 4.3: the MAIL FROM domain ' marcbradshaw.net' (space after @, passed on by Postfix) is malformed, spf=none; "
            + "with DKIM broken nothing aligned passes, dmarc=fail; upstream trims the space"),
        ["am25"] = (new() { ["dkim"] = "policy" }, "RFC 8301: the signature is rsa-sha1, dkim=policy; upstream pass"),
    };

    private static readonly string SuiteDirectory = Path.GetFullPath(RepositoryPaths.SharedTestData("authmilter-e2e"));

    private KnotDnsServer _dns = null!;
    private DaemonMailPath _reporting = null!;
    private DaemonMailPath _enforcing = null!;

    public static IEnumerable<TestCaseData> Cases() =>
        SuiteCase.Load(Path.Combine(SuiteDirectory, "cases.tsv")).Select(row => new TestCaseData(row).SetName(TestName(row)));

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dns = await KnotDnsServer.StartAsync([SuiteZoneFile.Load(Path.Combine(SuiteDirectory, "zonefile"))]);
        string[] common = [$"Nameservers {_dns.EndPoint}", "SpfMode header", "DkimVerify yes", "IprevCheck yes", "ArcVerify no", "DmarcDiscovery treewalk"];
        _reporting = await DaemonMailPath.StartAsync(
            [.. common, $"AuthservId {ReportingAuthservId}", $"TrustedNetworks 127.0.0.0/8, ::1/128, {TrustedClient}/32", "DmarcMode header"]);
        _enforcing = await DaemonMailPath.StartAsync([.. common, $"AuthservId {EnforcingAuthservId}", "DmarcMode enforce"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Null when the start failed part-way.
        if (_enforcing is not null)
        {
            await _enforcing.DisposeAsync();
        }

        if (_reporting is not null)
        {
            await _reporting.DisposeAsync();
        }

        _dns?.Dispose();
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Row(SuiteCase row)
    {
        if (Ignored.TryGetValue(row.Id, out var reason))
        {
            Assert.Ignore($"{row.Id}: {reason}.");
        }

        var enforcing = row.MilterConfig is "dmarc_reject" or "dmarc_reject_wl" or "hide_none" && !NotEnforced.ContainsKey(row.Id);
        var path = enforcing ? _enforcing : _reporting;
        var authservId = enforcing ? EnforcingAuthservId : ReportingAuthservId;

        await using var client = await path.Mail.ConnectAsync(row.ClientIp, row.Helo);
        var mailFrom = SuiteCase.WithoutAngleBrackets(row.MailFrom);
        var reply = await client.MailFromAsync(mailFrom);
        if (reply.Code == 501)
        {
            // Upstream's driver handed the envelope to the milter directly; a real MTA parses it first.
            Assert.Ignore($"{row.Id}: Postfix refuses MAIL FROM:<{mailFrom}> with '{reply}' before any milter sees it.");
        }

        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        reply = await client.RcptToAsync(SuiteCase.WithoutAngleBrackets(row.RcptTo));
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        var input = ReadMessage(row.Input);
        reply = await client.DataAsync(input);

        if (row.SmtpReject != "-")
        {
            // Upstream answers 550 5.7.0; authmilter 550 5.7.26 (RFC 7372 section 3.3, "multiple authentication checks failed").
            Assert.That(reply.Code, Is.EqualTo(550), $"upstream: {row.SmtpReject}; daemon log:\n{path.Daemon.Output}");
            Assert.That(reply.Text, Does.StartWith("5.7.26 Rejected by DMARC policy for "));
            return;
        }

        Assert.That(reply.Code, Is.EqualTo(250), $"{reply}; daemon log:\n{path.Daemon.Output}");
        var delivered = await path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
        Assert.That(delivered.Text, Does.Contain($" id {reply.PostfixQueueId}"), "the sink received another transaction's message");
        var sentFrom = Fields(HeaderLines(input), "From");
        var seenFrom = Fields(delivered.HeaderLines, "From");
        if (!seenFrom.SequenceEqual(sentFrom))
        {
            // The suite's verdicts are for the From field as sent. The test Postfix's cleanup qualifies a bare local part
            // with its own domain (@mx.authmilter.test, header address rewriting), and MailPath cannot switch that off.
            Assert.Ignore($"{row.Id}: Postfix rewrote From before the milter saw it; sent '…{Tail(sentFrom)}', milter saw '…{Tail(seenFrom)}'.");
        }

        var ours = Fields(delivered.HeaderLines, "Authentication-Results").Where(v => ReportedMethod.Parse(v).AuthservId == authservId).ToList();

        if (Trusted.ContainsKey(row.Id))
        {
            Assert.That(ours, Is.Empty, "a trusted client's mail gets no Authentication-Results");
            Assert.That(Fields(delivered.HeaderLines, "Received-SPF"), Is.Empty, "a trusted client's mail gets no Received-SPF");
            return;
        }

        // Forged fields claiming our authserv-id (the "Sanitize" rows carry one) are removed; ours is the one left.
        Assert.That(ours, Has.Count.EqualTo(1), $"Authentication-Results fields claiming {authservId}");
        var methods = ReportedMethod.Parse(ours[0]).Methods;
        var hideNone = row.MilterConfig == "hide_none";
        Assert.Multiple(() =>
        {
            // The first spf= entry is the MAIL FROM identity (postmaster@HELO for the null sender); the second is HELO's.
            Compare(row, methods, "spf", row.Spf, hideNone, take: 1);
            Compare(row, methods, "dkim", row.Dkim, hideNone);
            Compare(row, methods, "dmarc", row.Dmarc, hideNone);
            // hide_none switches upstream's iprev handler off: nothing to compare.
            if (row.Iprev != "-")
            {
                Compare(row, methods, "iprev", row.Iprev, hideNone: false);
            }
        });
    }

    private static void Compare(SuiteCase row, IReadOnlyList<ReportedMethod> methods, string method, string column, bool hideNone, int take = int.MaxValue)
    {
        // hide_none drops results equal to none from upstream's header; authmilter always writes them.
        var differs = Differences.TryGetValue(row.Id, out var difference) && difference.Verdicts.ContainsKey(method);
        IReadOnlyList<string> expected = differs
            ? SuiteCase.Verdicts(difference.Verdicts[method])
            : hideNone && column == "-" ? ["none"] : SuiteCase.Verdicts(column);
        var actual = methods.Where(m => m.Method == method).Take(take).ToList();
        Assert.That(
            actual.Select(m => m.Result),
            Is.EqualTo(expected),
            $"{row.Id} {method}: upstream {column}{(differs ? $" ({difference.Reason})" : "")}; reported: {string.Join("; ", actual)}");
    }

    private static string TestName(SuiteCase row)
    {
        var adaptation = Trusted.TryGetValue(row.Id, out var trusted) ? $"trusted, no checks: {trusted}"
            : Differences.TryGetValue(row.Id, out var difference) ? difference.Reason
            : row.SmtpReject != "-" ? "550 5.7.26 here, 5.7.0 upstream"
            : null;
        return adaptation is null ? $"{row.Id} {row.Description}" : $"{row.Id} {row.Description} ({adaptation})";
    }

    // The values of every field named name (case-insensitive), unfolded, runs of white space made one space.
    private static List<string> Fields(IEnumerable<string> headerLines, string name)
    {
        var fields = new List<string>();
        foreach (var line in headerLines)
        {
            if (line.Length > 0 && line[0] is ' ' or '\t' && fields.Count > 0)
            {
                fields[^1] += line;
            }
            else
            {
                fields.Add(line);
            }
        }

        // RFC 5322 section 4.5.3: obsolete syntax allows white space before the colon ("From :").
        return [.. fields
            .Select(f => f.Split(':', 2))
            .Where(f => f.Length == 2 && f[0].TrimEnd(' ', '\t').Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(f => string.Join(' ', f[1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))];
    }

    private static string Tail(IEnumerable<string> fields) => string.Join(" | ", fields) is var text && text.Length > 60 ? text[^60..] : text;

    private static IEnumerable<string> HeaderLines(byte[] message) =>
        Encoding.UTF8.GetString(message).Split("\r\n").TakeWhile(line => line.Length > 0);

    // The suite's messages mostly end lines with LF; SMTP needs CRLF.
    private static byte[] ReadMessage(string input)
    {
        var bytes = File.ReadAllBytes(Path.Combine(SuiteDirectory, input));
        var output = new List<byte>(bytes.Length + bytes.Length / 20);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(bytes[i]);
        }

        return [.. output];
    }
}
