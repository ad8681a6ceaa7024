using System.Net;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Tests.Web;

/// <summary>
/// Two incoming reports about example.com and two deliveries, with totals worked out by hand: 58 messages, 50
/// compliant, 3 quarantined, 5 rejected, SPF 40 pass / 18 fail, DKIM 50 pass / 8 fail; failing sources 198.51.100.7
/// (5) and 203.0.113.9 (3). The second reporter writes markup into its fields.
/// </summary>
internal static class DashboardTestData
{
    public const string Domain = "example.com";

    public const string HostileOrgName = "<script>document.title='pwned'</script>Evil Org";

    public const string HostileReportId = "<img src=x onerror=alert(1)>";

    public static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static readonly AggregateReport Google = new(
        new ReportMetadata("google.com", "noreply-dmarc-support@google.com", "r-google-1", new(2026, 11, 18, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 19, 0, 0, 0, TimeSpan.Zero)),
        new PolicyPublished(Domain) { P = "reject" },
        [
            Record("192.0.2.10", 40, "none", dkim: "pass", spf: "pass"),
            Record("198.51.100.7", 5, "reject", dkim: "fail", spf: "fail"),
        ]);

    public static readonly AggregateReport Hostile = new(
        new ReportMetadata(HostileOrgName, "dmarc@evil.example", HostileReportId, new(2026, 11, 19, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero)),
        new PolicyPublished(Domain) { P = "reject" },
        [
            Record("203.0.113.9", 3, "quarantine", dkim: "fail", spf: "fail"),
            Record("192.0.2.10", 10, "none", dkim: "pass", spf: "fail"),
        ]);

    public static readonly ReportDelivery Sent = new(
        Domain, new(2026, 11, 19, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "mailto:dmarc@rua.example.net", "id-sent", ReportDeliveryStatus.Sent)
    {
        Attempts = 1,
        LastAttempt = new(2026, 11, 20, 0, 5, 0, TimeSpan.Zero),
    };

    public static readonly ReportDelivery Pending = new(
        Domain, new(2026, 11, 19, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), "mailto:reports@slow.example.org", "id-pending", ReportDeliveryStatus.Pending)
    {
        Attempts = 3,
        LastError = "451 4.3.0 <try> later",
        LastAttempt = new(2026, 11, 20, 1, 0, 0, TimeSpan.Zero),
    };

    public static async Task FillAsync(IReportStore store)
    {
        await store.AddIncomingReportAsync(Google, Now.AddHours(-30), CancellationToken.None);
        await store.AddIncomingReportAsync(Hostile, Now.AddHours(-6), CancellationToken.None);
        await store.SaveDeliveryAsync(Sent, CancellationToken.None);
        await store.SaveDeliveryAsync(Pending, CancellationToken.None);
    }

    private static ReportRecord Record(string ip, long count, string disposition, string dkim, string spf) =>
        new(IPAddress.Parse(ip), count, new PolicyEvaluated(disposition, dkim, spf), Domain)
        {
            Dkim = [new DkimAuthResult(Domain, "s1", dkim)],
            Spf = [new SpfAuthResult(Domain, "mfrom", spf)],
        };
}
