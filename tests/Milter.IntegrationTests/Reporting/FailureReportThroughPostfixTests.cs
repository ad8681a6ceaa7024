using System.Text;
using Milter.IntegrationTests.Dmarc;
using Milter.IntegrationTests.Support;
using Milter.TestKit.Dns;
using Milter.TestKit.Mail;
using Milter.TestKit.Postfix;
using MimeKit;
using NUnit.Framework;

namespace Milter.IntegrationTests.Reporting;

/// <summary>
/// DMARC failure reports (RFC 9991) end to end: a real Postfix hands mail to the real authmilter process with
/// <c>FailureReports yes</c>, which evaluates DMARC against a real Knot DNS server and sends auth-failure ARF reports
/// (RFC 6591) in the background to the record's <c>ruf</c> address through an SMTP sink standing in for the smarthost.
/// Reports go out one after another in the order the messages were evaluated, so a report for a later message
/// (a positive control) arriving first proves that an earlier message got none.
/// </summary>
[NonParallelizable]
public class FailureReportThroughPostfixTests
{
    private const string Permitted = "192.0.2.1";
    private const string Forwarder = "198.51.100.7";
    private const string Contact = "dmarc-noreply@mx.test";

    // How long a report that should not exist gets to show up after the control's report has arrived. The sender is
    // sequential, so this only guards against a duplicate of the control itself.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private KnotDnsServer _dns = null!;
    private SmtpSink _reports = null!;
    private DaemonMailPath _path = null!;

    [OneTimeSetUp]
    public async Task StartDnsAsync()
    {
        var key = $"\"{TestArcSealer.KeyRecord}\"";
        // ruf addresses in the policy domain itself, so no external destination needs authorizing.
        _dns = await KnotDnsServer.StartAsync(
        [
            new DnsTestZone(".", $"""
                fo1.test                     TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.fo1.test              TXT "v=DMARC1; p=none; ruf=mailto:forensic@fo1.test; fo=1"
                test._domainkey.fo1.test     TXT {key}
                fo0.test                     TXT "v=spf1 ip4:{Permitted} -all"
                _dmarc.fo0.test              TXT "v=DMARC1; p=none; ruf=mailto:forensic@fo0.test; fo=0"
                test._domainkey.fo0.test     TXT {key}
                bounce.test                  TXT "v=spf1 ip4:{Permitted} -all"
                """),
        ]);
    }

    [OneTimeTearDown]
    public void StopDns() => _dns.Dispose();

    // A daemon per test: the rate limit counts per process, and each test reads the report sink from empty.
    [SetUp]
    public async Task StartAsync()
    {
        _reports = SmtpSink.Start();
        try
        {
            _path = await DaemonMailPath.StartAsync(DmarcMail.Config(_dns.EndPoint,
                "FailureReports yes",
                "FailureReportRate 5",
                $"ReportSmtpServer 127.0.0.1:{_reports.EndPoint.Port}",
                $"ReportContact {Contact}"));
        }
        catch
        {
            // TearDown does not run after a failed SetUp.
            await _reports.DisposeAsync();
            throw;
        }
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _path.DisposeAsync();
        await _reports.DisposeAsync();
    }

    [Test]
    public async Task FailingMessage_IsReportedOnce_WithItsHeaderFieldsAndNotItsBody()
    {
        // Aligned SPF and DKIM pass: nothing for even fo=1 to report.
        await DeliverAsync(Permitted, "user@fo1.test", TestDkimSigner.Sign(DmarcMail.Message("user@fo1.test", "all pass"), "fo1.test"));
        // SPF fails, no signature: DMARC fails.
        await DeliverAsync(Forwarder, "user@fo1.test", DmarcMail.Message("user@fo1.test", "spoofed fo1"));
        await DeliverAsync(Forwarder, "user@fo0.test", DmarcMail.Message("user@fo0.test", "control"));

        var reports = await ReceiveThroughAsync("fo0.test");

        Assert.That(reports.Select(r => r.Subject).ToArray(), Is.EqualTo(new[] { "FW: spoofed fo1", "FW: control" }), _path.Daemon.Output);
        var report = reports[0];
        Assert.Multiple(() =>
        {
            Assert.That(report.Envelope.Sender, Is.EqualTo(Contact));
            Assert.That(report.Envelope.Recipients, Is.EqualTo(new[] { "forensic@fo1.test" }));
            Assert.That(report.Mime.From.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { Contact }));
            Assert.That(report.Mime.To.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { "forensic@fo1.test" }));
            Assert.That(report.Mime.Body?.ContentType.MimeType, Is.EqualTo("multipart/report"));
            Assert.That(report.Mime.Body?.ContentType.Parameters["report-type"], Is.EqualTo("feedback-report"));

            Assert.That(report.Field("Feedback-Type"), Is.EqualTo("auth-failure"));
            Assert.That(report.Field("Auth-Failure"), Is.EqualTo("dmarc"));
            Assert.That(report.Field("Source-IP"), Is.EqualTo(Forwarder));
            Assert.That(report.Field("Reported-Domain"), Is.EqualTo("fo1.test"));
            Assert.That(report.Field("Original-Mail-From"), Is.EqualTo("<user@fo1.test>"));
            Assert.That(report.Field("Original-Rcpt-To"), Is.EqualTo($"<{TestMessages.Recipient}>"));
            Assert.That(report.Field("Authentication-Results"), Does.Contain("spf=fail").And.Contain("dmarc=fail"));

            Assert.That(report.OriginalHeaders.Subject, Is.EqualTo("spoofed fo1"));
            Assert.That(report.OriginalHeaders.From.Mailboxes.Select(m => m.Address), Is.EqualTo(new[] { "user@fo1.test" }));
            Assert.That(report.Text, Does.Not.Contain("Body of"), "the reported message's body was sent");
        });
    }

    [Test]
    public async Task DmarcPassWithUnalignedSpf_IsReportedForFo1ButNotForFo0_AndFo0ReportsWhenAllFail()
    {
        // SPF passes for bounce.test, which is not aligned with the From domain; the aligned DKIM signature passes,
        // so DMARC passes. fo=0 wants a report only when no mechanism passed aligned; fo=1 when any did not.
        await DeliverAsync(Permitted, "bounce@bounce.test", TestDkimSigner.Sign(DmarcMail.Message("user@fo0.test", "fo0 unaligned spf"), "fo0.test"));
        await DeliverAsync(Permitted, "bounce@bounce.test", TestDkimSigner.Sign(DmarcMail.Message("user@fo1.test", "fo1 unaligned spf"), "fo1.test"));
        await DeliverAsync(Forwarder, "user@fo0.test", DmarcMail.Message("user@fo0.test", "fo0 all fail"));

        var reports = await ReceiveThroughAsync("fo0.test");

        Assert.That(reports.Select(r => r.Subject).ToArray(), Is.EqualTo(new[] { "FW: fo1 unaligned spf", "FW: fo0 all fail" }), _path.Daemon.Output);
        Assert.Multiple(() =>
        {
            Assert.That(reports[0].Field("Reported-Domain"), Is.EqualTo("fo1.test"));
            Assert.That(reports[0].Field("Original-Mail-From"), Is.EqualTo("<bounce@bounce.test>"));
            Assert.That(reports[0].Field("Source-IP"), Is.EqualTo(Permitted));
            Assert.That(reports[0].Field("Authentication-Results"), Does.Contain("dkim=pass").And.Contain("dmarc=pass"));
            Assert.That(reports[1].Envelope.Recipients, Is.EqualTo(new[] { "forensic@fo0.test" }));
            Assert.That(reports[1].Field("Reported-Domain"), Is.EqualTo("fo0.test"));
            Assert.That(reports[1].Field("Authentication-Results"), Does.Contain("dmarc=fail"));
        });
    }

    [Test]
    public async Task SevenFailuresForOneDomain_WithFailureReportRate5_OnlyTheFirstFiveAreReported()
    {
        for (var i = 1; i <= 7; i++)
        {
            await DeliverAsync(Forwarder, "user@fo1.test", DmarcMail.Message("user@fo1.test", $"spoofed {i}"));
        }

        await DeliverAsync(Forwarder, "user@fo0.test", DmarcMail.Message("user@fo0.test", "control"));

        var reports = await ReceiveThroughAsync("fo0.test");

        // The limit takes the first five; the sixth and seventh are dropped, not delayed.
        Assert.That(reports.Select(r => r.Subject).ToArray(), Is.EqualTo(new[]
        {
            "FW: spoofed 1", "FW: spoofed 2", "FW: spoofed 3", "FW: spoofed 4", "FW: spoofed 5", "FW: control",
        }), _path.Daemon.Output);
    }

    /// <summary>Sends <paramref name="message"/> with envelope sender <paramref name="mailFrom"/>; Postfix must accept and relay it.</summary>
    private async Task DeliverAsync(string clientAddress, string mailFrom, byte[] message)
    {
        await using var client = await _path.Mail.ConnectAsync(clientAddress, "mail.sender.test");
        var reply = await client.SendMessageAsync(mailFrom, [TestMessages.Recipient], message);
        Assert.That(reply.Code, Is.EqualTo(250), reply.ToString());
        await _path.Mail.Sink.ReceiveAsync(MailPath.Timeout);
    }

    /// <summary>
    /// The reports that reach the sink up to and including the first about <paramref name="controlDomain"/>, plus any
    /// that arrive within <see cref="Settle"/> after it.
    /// </summary>
    private async Task<List<FailureReportMail>> ReceiveThroughAsync(string controlDomain)
    {
        var reports = new List<FailureReportMail>();
        var deadline = DateTime.UtcNow + MailPath.Timeout;
        while (reports.LastOrDefault()?.Field("Reported-Domain") != controlDomain)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                reports.Add(new FailureReportMail(await _reports.ReceiveAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero)));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"no report about {controlDomain}; got: {string.Join(", ", reports.Select(r => r.Subject))}\n{_path.Daemon.Output}");
            }
        }

        await Task.Delay(Settle);
        while (_reports.TryReceive(out var late))
        {
            reports.Add(new FailureReportMail(late!));
        }

        return reports;
    }

    /// <summary>A report as the sink received it, with its ARF parts taken apart.</summary>
    private sealed class FailureReportMail
    {
        public FailureReportMail(SmtpSinkMessage envelope)
        {
            Envelope = envelope;
            Text = Encoding.UTF8.GetString(envelope.Data);
            Mime = MimeMessage.Load(new MemoryStream(envelope.Data));
            MimeEntity[] parts = Mime.Body is Multipart multipart ? [.. multipart] : [];
            Assert.That(parts.Select(p => p.ContentType.MimeType).ToArray(), Is.EqualTo(new[] { "text/plain", "message/feedback-report", "text/rfc822-headers" }));
            Feedback = (MessageFeedbackReport)parts[1];
            OriginalHeaders = ((TextRfc822Headers)parts[2]).Message
                ?? throw new AssertionException("the text/rfc822-headers part holds no message");
        }

        public SmtpSinkMessage Envelope { get; }

        public string Text { get; }

        public MimeMessage Mime { get; }

        public MessageFeedbackReport Feedback { get; }

        public MimeMessage OriginalHeaders { get; }

        public string? Subject => Mime.Subject;

        public string? Field(string name) => Feedback.Fields[name]?.Trim();
    }
}
