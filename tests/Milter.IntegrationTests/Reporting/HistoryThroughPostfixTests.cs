using Microsoft.Extensions.Logging.Abstractions;
using Milter.IntegrationTests.Dmarc;
using Milter.IntegrationTests.Support;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Storage;
using Milter.TestKit.Dns;
using NUnit.Framework;

namespace Milter.IntegrationTests.Reporting;

/// <summary>
/// The report history end to end: a real Postfix hands mail to the real authmilter process, which evaluates DMARC
/// against a real Knot DNS server and records each evaluation in its SQLite history; once the daemon has stopped
/// (and its recorder drained), the database holds exactly the grouped rows an aggregate report would carry.
/// </summary>
[NonParallelizable]
public class HistoryThroughPostfixTests
{
    private const string Permitted = "192.0.2.1";
    private const string Forwarder = "198.51.100.7";
    private const string ReportMailbox = "dmarc-reports@example.net";

    private KnotDnsServer _dns = null!;

    [OneTimeSetUp]
    public async Task StartDnsAsync() => _dns = await KnotDnsServer.StartAsync(
    [
        new DnsTestZone(".", $"""
            reject.test                   TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.reject.test            TXT "v=DMARC1; p=reject; rua=mailto:dmarc@reject.test"
            none.test                     TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.none.test              TXT "v=DMARC1; p=none"
            """),
    ]);

    [OneTimeTearDown]
    public void StopDns() => _dns.Dispose();

    [Test]
    public async Task PassNoneAndReject_AreInTheHistoryGroupedAfterTheDaemonStops()
    {
        var begin = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using var path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint, $"ReportSkipTo {ReportMailbox}"));

        await ReportingMail.DeliverAsync(path, Permitted, "user@reject.test", TestMessages.Recipient, "pass 1");
        await ReportingMail.DeliverAsync(path, Permitted, "user@reject.test", TestMessages.Recipient, "pass 2");
        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "p=none fail");
        await ReportingMail.RefuseAsync(path, Forwarder, "user@reject.test", "p=reject fail 1");
        await ReportingMail.RefuseAsync(path, Forwarder, "user@reject.test", "p=reject fail 2");
        // Mail to our own report mailbox is never recorded (report loops).
        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", ReportMailbox, "to the report mailbox");

        path.Daemon.Terminate();
        Assert.That(await path.Daemon.WaitForExitAsync(MailPath.Timeout), Is.Zero, path.Daemon.Output);
        var end = DateTimeOffset.UtcNow.AddMinutes(1);

        await using var store = new SqliteReportStore(path.Daemon.HistoryDatabase, NullLoggerFactory.Instance);
        var reject = await store.ReadHistoryAsync("reject.test", begin, end, CancellationToken.None);
        var none = await store.ReadHistoryAsync("none.test", begin, end, CancellationToken.None);

        Assert.That(await store.ReportedDomainsAsync(begin, end, CancellationToken.None), Is.EquivalentTo(new[] { "reject.test", "none.test" }));
        Assert.That(reject!.PolicyRecord, Is.EqualTo("v=DMARC1; p=reject; rua=mailto:dmarc@reject.test"));
        Assert.That(reject.Records.Select(Describe), Is.EquivalentTo(new[]
        {
            "192.0.2.1 x2 none dkim=fail spf=pass from=reject.test mailfrom=reject.test rcpt=example.net spf:reject.test/mfrom/pass dkim: reasons:",
            "198.51.100.7 x2 reject dkim=fail spf=fail from=reject.test mailfrom=reject.test rcpt=example.net spf:reject.test/mfrom/fail dkim: reasons:",
        }));
        Assert.That(none!.PolicyRecord, Is.EqualTo("v=DMARC1; p=none"));
        Assert.That(none.Records.Select(Describe), Is.EqualTo(new[]
        {
            "198.51.100.7 x1 none dkim=fail spf=fail from=none.test mailfrom=none.test rcpt=example.net spf:none.test/mfrom/fail dkim: reasons:",
        }));
    }

    [Test]
    public async Task UnusableStore_IsLoggedAndMailStillFlows()
    {
        // Not even root can create a directory under /proc.
        await using var path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint, "ReportStore sqlite:/proc/authmilter-test/history.db"));

        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "no history");

        Assert.That(path.Daemon.Output, Does.Contain("Report database sqlite:/proc/authmilter-test/history.db cannot be used, running without report history"));
    }

    private static string Describe(ReportRecord record) =>
        $"{record.SourceIp} x{record.Count} {record.Evaluated.Disposition} dkim={record.Evaluated.Dkim} spf={record.Evaluated.Spf} "
        + $"from={record.HeaderFrom} mailfrom={record.EnvelopeFrom} rcpt={record.EnvelopeTo} "
        + $"spf:{string.Join(',', record.Spf.Select(s => $"{s.Domain}/{s.Scope}/{s.Result}"))} "
        + $"dkim:{string.Join(',', record.Dkim.Select(d => $"{d.Domain}/{d.Selector}/{d.Result}"))} "
        + $"reasons:{string.Join(',', record.Evaluated.Reasons.Select(r => r.Type))}";
}
