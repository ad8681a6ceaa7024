using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Milter.IntegrationTests.Dmarc;
using Milter.IntegrationTests.Support;
using Milter.TestKit.Daemon;
using Milter.TestKit.Dns;

namespace Milter.IntegrationTests.Reporting;

/// <summary>
/// The daemon's HTTP endpoint while real mail flows: after a known mix through a real Postfix (DNS from a real Knot
/// server), <c>/metrics</c> counts exactly those messages, verdicts and results, and the history written;
/// <c>/healthz</c> answers 200.
/// </summary>
[NonParallelizable]
public partial class HttpMetricsTests
{
    private const string Permitted = "192.0.2.1";
    private const string Forwarder = "198.51.100.7";

    private KnotDnsServer _dns = null!;

    [OneTimeSetUp]
    public async Task StartDnsAsync() => _dns = await KnotDnsServer.StartAsync(
    [
        new DnsTestZone(".", $"""
            reject.test             TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.reject.test      TXT "v=DMARC1; p=reject"
            none.test               TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.none.test        TXT "v=DMARC1; p=none"
            quarantine.test         TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.quarantine.test  TXT "v=DMARC1; p=quarantine"
            """),
    ]);

    [OneTimeTearDown]
    public void StopDns() => _dns.Dispose();

    [Test]
    public async Task MailThroughPostfix_IsCountedInMetrics_AndTheDaemonIsHealthy()
    {
        var port = DaemonProcess.FreePort();
        await using var path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint, $"HttpListen 127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = MailPath.Timeout };

        for (var i = 1; i <= 3; i++)
        {
            await ReportingMail.DeliverAsync(path, Permitted, "user@reject.test", TestMessages.Recipient, $"pass {i}");
        }

        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "p=none fail 1");
        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "p=none fail 2");
        await ReportingMail.RefuseAsync(path, Forwarder, "user@reject.test", "p=reject fail");
        await ReportingMail.HoldAsync(path, Forwarder, "user@quarantine.test", "p=quarantine fail");

        // The recorder writes behind the mail; every evaluation is in the store once the counter reaches them all.
        var metrics = await ScrapeAsync(http);
        var deadline = DateTime.UtcNow + MailPath.Timeout;
        while (Value(metrics, "authmilter_history_written_total") < 7 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            metrics = await ScrapeAsync(http);
        }

        Assert.Multiple(() =>
        {
            Assert.That(Value(metrics, "authmilter_messages_total", ("verdict", "accept")), Is.EqualTo(5));
            Assert.That(Value(metrics, "authmilter_messages_total", ("verdict", "reject")), Is.EqualTo(1));
            Assert.That(Value(metrics, "authmilter_messages_total", ("verdict", "quarantine")), Is.EqualTo(1));
            Assert.That(Family(metrics, "authmilter_messages_total").Sum(s => s.Value), Is.EqualTo(7));
            Assert.That(Value(metrics, "authmilter_results_total", ("method", "dmarc"), ("result", "pass")), Is.EqualTo(3));
            Assert.That(Value(metrics, "authmilter_results_total", ("method", "dmarc"), ("result", "fail")), Is.EqualTo(4));
            Assert.That(Value(metrics, "authmilter_results_total", ("method", "spf"), ("result", "pass")), Is.EqualTo(3));
            Assert.That(Value(metrics, "authmilter_results_total", ("method", "spf"), ("result", "fail")), Is.EqualTo(4));
            Assert.That(Value(metrics, "authmilter_results_total", ("method", "dkim"), ("result", "none")), Is.EqualTo(7));
            Assert.That(Family(metrics, "authmilter_results_total").Sum(s => s.Value), Is.EqualTo(21), "only spf, dkim and dmarc are checked");
            Assert.That(Value(metrics, "authmilter_message_duration_seconds_count", ("verdict", "accept")), Is.EqualTo(5));
            Assert.That(Value(metrics, "authmilter_message_duration_seconds_count", ("verdict", "reject")), Is.EqualTo(1));
            Assert.That(Value(metrics, "authmilter_message_duration_seconds_count", ("verdict", "quarantine")), Is.EqualTo(1));
            Assert.That(Family(metrics, "authmilter_message_duration_seconds_count").Sum(s => s.Value), Is.EqualTo(7));
            Assert.That(Value(metrics, "authmilter_message_duration_seconds_bucket", ("le", "+Inf"), ("verdict", "accept")), Is.EqualTo(5));
            Assert.That(Value(metrics, "authmilter_message_duration_seconds_sum", ("verdict", "accept")), Is.GreaterThan(0));
            Assert.That(Value(metrics, "authmilter_history_written_total"), Is.EqualTo(7));
            Assert.That(Value(metrics, "authmilter_history_dropped_total"), Is.Zero);
            Assert.That(Value(metrics, "authmilter_report_queue_depth"), Is.Zero);
        });

        using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));
        var body = await health.Content.ReadAsStringAsync();
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.StartWith("""{"status":"ok","""));
    }

    private static async Task<IReadOnlyList<(string Name, string Labels, double Value)>> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return [.. text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(Parse)];
    }

    // name{a="x",b="y"} value, with the labels put in name order so lookups do not depend on the writer's order.
    private static (string Name, string Labels, double Value) Parse(string line)
    {
        var match = SampleLine().Match(line);
        Assert.That(match.Success, Is.True, $"not a sample line: {line}");
        var labels = LabelPair().Matches(match.Groups["labels"].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value));
        return (match.Groups["name"].Value, Labels(labels), match.Groups["value"].Value == "+Inf"
            ? double.PositiveInfinity
            : double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    private static string Labels(IEnumerable<(string Key, string Value)> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static IEnumerable<(string Name, string Labels, double Value)> Family(IReadOnlyList<(string Name, string Labels, double Value)> metrics, string name) =>
        metrics.Where(m => m.Name == name);

    // A sample that is absent counts as zero, as Prometheus treats a counter never incremented.
    private static double Value(IReadOnlyList<(string Name, string Labels, double Value)> metrics, string name, params (string Key, string Value)[] labels)
    {
        var wanted = Labels(labels);
        return metrics.Where(m => m.Name == name && m.Labels == wanted).Select(m => m.Value).SingleOrDefault();
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
