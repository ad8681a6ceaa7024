using System.Globalization;
using System.Text.Json;
using Milter.Daemon.Cli;
using Milter.IntegrationTests.Dmarc;
using Milter.IntegrationTests.Support;
using Milter.TestKit.Dns;
using Milter.TestKit.Postfix;
using MimeKit;
using Milter.TestKit.Mail;

namespace Milter.IntegrationTests.Reporting;

/// <summary>
/// DMARC aggregate reporting from end to end with the real programs: mail through a real Postfix to the authmilter
/// daemon (DNS from a real Knot server) fills the history; <c>authmilter report send</c> mails the reports to an SMTP
/// sink; the receiving side stores them with <c>authmilter report ingest</c> in a database of its own, and
/// <c>authmilter report summary</c> then tells exactly what was sent through Postfix.
/// </summary>
[NonParallelizable]
public class RoundTripTests
{
    private const string Permitted = "192.0.2.1";
    private const string Forwarder = "198.51.100.7";
    private const string Contact = "dmarc-noreply@mx.test";

    private KnotDnsServer _dns = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartDnsAsync() => _dns = await KnotDnsServer.StartAsync(
    [
        new DnsTestZone(".", $"""
            reject.test                                 TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.reject.test                          TXT "v=DMARC1; p=reject; rua=mailto:dmarc@reports.test"
            reject.test._report._dmarc.reports.test     TXT "v=DMARC1"
            none.test                                   TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.none.test                            TXT "v=DMARC1; p=none; rua=mailto:dmarc@none.test"
            quarantine.test                             TXT "v=spf1 ip4:{Permitted} -all"
            _dmarc.quarantine.test                      TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@quarantine.test"
            """),
    ]);

    [OneTimeTearDown]
    public void StopDns() => _dns.Dispose();

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("authmilter-roundtrip-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task MailThroughPostfix_IsReportedOnce_AndTheReceiverSummarizesExactlyWhatWasSent()
    {
        var begin = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using var path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint));

        for (var i = 1; i <= 3; i++)
        {
            await ReportingMail.DeliverAsync(path, Permitted, "user@reject.test", TestMessages.Recipient, $"pass {i}");
        }

        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "p=none fail 1");
        await ReportingMail.DeliverAsync(path, Forwarder, "user@none.test", TestMessages.Recipient, "p=none fail 2");
        await ReportingMail.RefuseAsync(path, Forwarder, "user@reject.test", "p=reject fail");
        await ReportingMail.HoldAsync(path, Forwarder, "user@quarantine.test", "p=quarantine fail");

        // The recorder drains on SIGTERM, so the history is complete once the daemon has exited.
        path.Daemon.Terminate();
        Assert.That(await path.Daemon.WaitForExitAsync(MailPath.Timeout), Is.Zero, path.Daemon.Output);
        var end = DateTimeOffset.UtcNow.AddMinutes(1);
        var period = string.Create(CultureInfo.InvariantCulture, $"{begin.ToUnixTimeSeconds()}/{end.ToUnixTimeSeconds()}");

        await using var reportSink = SmtpSink.Start();
        var sendConfig = WriteConfig("send.conf",
            $"Nameservers {_dns.EndPoint}",
            $"ReportStore sqlite:{path.Daemon.HistoryDatabase}",
            $"ReportSmtpServer 127.0.0.1:{reportSink.EndPoint.Port}",
            $"ReportContact {Contact}",
            "ReportOrgName Round Trip MX");

        var (sent, sendOutput) = await ReportingMail.RunAsync("report", "send", "--config", sendConfig, "--period", period);
        Assert.That(sent, Is.Zero, sendOutput);
        Assert.That(sendOutput, Does.Contain("reject.test mailto:dmarc@reports.test sent").And.Contain("none.test mailto:dmarc@none.test sent")
            .And.Contain("quarantine.test mailto:dmarc@quarantine.test sent"));

        var reports = new Dictionary<string, SmtpSinkMessage>();
        while (reportSink.TryReceive(out var message))
        {
            var mime = MimeMessage.Load(new MemoryStream(message!.Data));
            var domain = AssertReportMail(mime, message, period);
            Assert.That(reports.TryAdd(domain, message), Is.True, $"a second report mail for {domain}");
        }

        Assert.That(reports.Keys, Is.EquivalentTo(new[] { "reject.test", "none.test", "quarantine.test" }));

        var (again, againOutput) = await ReportingMail.RunAsync("report", "send", "--config", sendConfig, "--period", period);
        Assert.That(again, Is.Zero, againOutput);
        Assert.That(againOutput, Does.Match(@"(?m) reject\.test mailto:dmarc@reports\.test already-done \(\d+ bytes\): sent earlier$")
            .And.Match(@"(?m) none\.test mailto:dmarc@none\.test already-done \(\d+ bytes\): sent earlier$")
            .And.Match(@"(?m) quarantine\.test mailto:dmarc@quarantine\.test already-done \(\d+ bytes\): sent earlier$"));
        Assert.That(reportSink.TryReceive(out _), Is.False, "the second run sent mail again");

        // The receiving side: another host with a database of its own.
        var receiveConfig = WriteConfig("receive.conf", $"ReportStore sqlite:{Path.Combine(_directory, "received.db")}");
        var files = reports.Select(r =>
        {
            var file = Path.Combine(_directory, r.Key + ".eml");
            File.WriteAllBytes(file, r.Value.Data);
            return file;
        }).ToArray();
        var (ingested, ingestOutput) = await ReportingMail.RunAsync(["report", "ingest", "--config", receiveConfig, .. files]);
        Assert.That(ingested, Is.Zero, ingestOutput);
        Assert.That(ingestOutput, Does.Contain("3 messages: 3 stored, 0 duplicates, 0 not reports, 0 malformed"));

        // As an MTA alias pipes it: a report already stored is a duplicate, and the pipe still succeeds.
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var piped = await ReportIngestCommand.RunAsync(["--config", receiveConfig], new StringReader(reports["none.test"].Text), output, error);
            Assert.That(piped, Is.Zero, error.ToString());
            Assert.That(output.ToString(), Is.EqualTo("1 message: 0 stored, 1 duplicate, 0 not reports, 0 malformed" + Environment.NewLine), error.ToString());
        }

        var (summarized, json) = await ReportingMail.RunAsync("report", "summary", "--config", receiveConfig, "--json");
        Assert.That(summarized, Is.Zero, json);
        var domains = JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(d => d.GetProperty("domain").GetString()!);
        Assert.That(domains.Keys, Is.EquivalentTo(new[] { "reject.test", "none.test", "quarantine.test" }));
        Assert.Multiple(() =>
        {
            Assert.That(Counts(domains["reject.test"]), Is.EqualTo("messages=4 compliant=3 quarantined=0 rejected=1 spf=3/1 dkim=0/4"));
            Assert.That(Sources(domains["reject.test"]), Is.EquivalentTo(new[] { $"{Permitted} 3/3", $"{Forwarder} 1/0" }));
            Assert.That(Counts(domains["none.test"]), Is.EqualTo("messages=2 compliant=0 quarantined=0 rejected=0 spf=0/2 dkim=0/2"));
            Assert.That(Sources(domains["none.test"]), Is.EqualTo(new[] { $"{Forwarder} 2/0" }));
            Assert.That(Counts(domains["quarantine.test"]), Is.EqualTo("messages=1 compliant=0 quarantined=1 rejected=0 spf=0/1 dkim=0/1"));
            Assert.That(Sources(domains["quarantine.test"]), Is.EqualTo(new[] { $"{Forwarder} 1/0" }));
            Assert.That(domains["reject.test"].GetProperty("reporters").EnumerateArray().Select(r => r.GetProperty("orgName").GetString()),
                Is.EqualTo(new[] { "Round Trip MX" }));
        });

        var (texted, text) = await ReportingMail.RunAsync("report", "summary", "--config", receiveConfig, "--domain", "reject.test");
        Assert.That(texted, Is.Zero, text);
        Assert.That(text, Does.Contain("  messages      4\n")
            .And.Contain("  compliant     3 (75%) from 1 source\n")
            .And.Contain("  not compliant 1 (25%) from 1 source\n")
            .And.Contain("  rejected      1\n")
            .And.Contain("  spf           3 pass, 1 fail\n")
            .And.Contain("  dkim          0 pass, 4 fail\n")
            .And.Contain($"Round Trip MX <{Contact}>: 1 report, 4 messages")
            .And.Not.Contain("none.test"));
    }

    // The report mail as RFC 9990 section 5 describes it; returns its policy domain.
    private static string AssertReportMail(MimeMessage mime, SmtpSinkMessage message, string period)
    {
        var domain = (mime.Subject ?? string.Empty).Split(' ')[2];
        var rua = domain == "reject.test" ? "dmarc@reports.test" : $"dmarc@{domain}";
        Assert.That(message.Recipients, Is.EqualTo(new[] { rua }));
        Assert.That(message.Sender, Is.EqualTo(Contact));
        Assert.That(mime.To.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { rua }));
        Assert.That(mime.From.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { Contact }));
        Assert.That(mime.Subject, Does.Match($@"^Report Domain: {domain.Replace(".", @"\.", StringComparison.Ordinal)} Submitter: mx\.test Report-ID: <[^>]+>$"));

        var attachment = mime.Attachments.OfType<MimePart>().Single();
        Assert.That(attachment.ContentType.MimeType, Is.EqualTo("application/gzip"));
        Assert.That(attachment.FileName, Is.EqualTo($"mx.test!{domain}!{period.Replace('/', '!')}.xml.gz"));
        using var content = ReportAttachment.Gunzip(attachment);
        var xml = new StreamReader(content).ReadToEnd();
        Assert.That(xml, Does.Contain($"<domain>{domain}</domain>"));
        return domain;
    }

    private static string Counts(JsonElement summary) =>
        $"messages={summary.GetProperty("messages")} compliant={summary.GetProperty("compliant")} "
        + $"quarantined={summary.GetProperty("quarantined")} rejected={summary.GetProperty("rejected")} "
        + $"spf={summary.GetProperty("spfPass")}/{summary.GetProperty("spfFail")} dkim={summary.GetProperty("dkimPass")}/{summary.GetProperty("dkimFail")}";

    private static IEnumerable<string> Sources(JsonElement summary) =>
        summary.GetProperty("sources").EnumerateArray().Select(s => $"{s.GetProperty("address").GetString()} {s.GetProperty("messages")}/{s.GetProperty("compliant")}");

    private string WriteConfig(string name, params string[] lines)
    {
        var file = Path.Combine(_directory, name);
        File.WriteAllLines(file, lines);
        return file;
    }
}
