using Milter.TestKit;
using Milter.Authentication.Dmarc;
using Milter.Authentication.Spf;
using Milter.Reporting.Failure;
using MimeKit;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Failure;

public class FailureReportComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private static readonly MailboxAddress Contact = new("", "dmarc@receiver.example");
    private static readonly MailboxAddress Destination = new("", "ruf@example.com");

    [Test]
    public void Compose_Request_IsMultipartReportWithThreeParts()
    {
        var message = RoundTrip(FailureRequests.Create());

        var report = message.Body as MultipartReport;
        Assert.That(report, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(report!.ReportType, Is.EqualTo("feedback-report"));
            Assert.That(report.Select(part => part.ContentType.MimeType),
                Is.EqualTo(new[] { "text/plain", "message/feedback-report", "text/rfc822-headers" }));
            Assert.That(report[1], Is.InstanceOf<MessageFeedbackReport>());
            Assert.That(report[2], Is.InstanceOf<TextRfc822Headers>());
        });
    }

    [Test]
    public void Compose_Request_WritesAuthFailureFields()
    {
        var fields = Fields(RoundTrip(FailureRequests.Create()));

        Assert.Multiple(() =>
        {
            Assert.That(fields["Feedback-Type"], Is.EqualTo("auth-failure"));
            Assert.That(fields["Version"], Is.EqualTo("1"));
            Assert.That(fields["User-Agent"], Does.StartWith("authmilter/"));
            Assert.That(fields["Auth-Failure"], Is.EqualTo("dmarc"));
            Assert.That(fields["Original-Envelope-Id"], Is.EqualTo("4AB12C"));
            Assert.That(fields["Original-Mail-From"], Is.EqualTo("<bounce@mx.example.net>"));
            Assert.That(fields.Where(f => f.Field == "Original-Rcpt-To").Select(f => f.Value),
                Is.EqualTo(new[] { "<bob@example.org>", "<carol@example.org>" }));
            Assert.That(fields["Arrival-Date"], Is.EqualTo("Mon, 23 Nov 2026 17:00:05 +0000"));
            Assert.That(fields["Source-IP"], Is.EqualTo("192.0.2.7"));
            Assert.That(fields["Reported-Domain"], Is.EqualTo("example.com"));
            Assert.That(Unfolded(fields["Authentication-Results"]!), Is.EqualTo(
                "mail.example.org; dkim=fail header.d=example.com header.s=sel1; spf=pass smtp.mailfrom=mx.example.net; dmarc=fail header.from=example.com"));
            Assert.That(fields["Identity-Alignment"], Is.EqualTo("dkim"));
            Assert.That(fields["DKIM-Domain"], Is.EqualTo("example.com"));
            Assert.That(fields["DKIM-Selector"], Is.EqualTo("sel1"));
        });
    }

    [Test]
    public void Compose_NoQueueIdAndNullReversePath_OmitsEnvelopeIdAndWritesEmptyPath()
    {
        var fields = Fields(RoundTrip(FailureRequests.Create() with { QueueId = null, EnvelopeFrom = "" }));

        Assert.Multiple(() =>
        {
            Assert.That(fields.Contains("Original-Envelope-Id"), Is.False);
            Assert.That(fields["Original-Mail-From"], Is.EqualTo("<>"));
        });
    }

    [Test]
    public void Compose_OnlyPassingSignatures_WritesNoDkimFields()
    {
        var request = FailureRequests.Create() with { Dkim = [new FailureReportDkim("other.example", "s", DmarcDkimOutcome.Pass, false)] };

        var fields = Fields(RoundTrip(request));

        Assert.Multiple(() =>
        {
            Assert.That(fields.Contains("DKIM-Domain"), Is.False);
            Assert.That(fields.Contains("DKIM-Selector"), Is.False);
        });
    }

    [Test]
    public void Compose_UnalignedFailureBeforeAlignedOne_NamesTheAlignedSignature()
    {
        var request = FailureRequests.Create() with
        {
            Dkim =
            [
                new FailureReportDkim("esp.example", "a", DmarcDkimOutcome.Fail, false),
                new FailureReportDkim("example.com", "b", DmarcDkimOutcome.PermError, true),
            ],
        };

        var fields = Fields(RoundTrip(request));

        Assert.Multiple(() =>
        {
            Assert.That(fields["DKIM-Domain"], Is.EqualTo("example.com"));
            Assert.That(fields["DKIM-Selector"], Is.EqualTo("b"));
        });
    }

    [TestCase(SpfResult.Pass, true, DmarcDkimOutcome.Pass, true, "none")]
    [TestCase(SpfResult.Fail, false, DmarcDkimOutcome.Fail, false, "none")]
    [TestCase(SpfResult.Fail, true, DmarcDkimOutcome.Pass, true, "spf")]
    [TestCase(SpfResult.Pass, false, DmarcDkimOutcome.Fail, true, "dkim")]
    [TestCase(SpfResult.SoftFail, true, DmarcDkimOutcome.TempError, true, "dkim, spf")]
    public void IdentityAlignment_Results_NamesAlignedIdentifiersThatFailed(
        SpfResult spf, bool spfAligned, DmarcDkimOutcome dkim, bool dkimAligned, string expected)
    {
        var request = FailureRequests.Create() with
        {
            Spf = new FailureReportSpf("example.com", spf, spfAligned),
            Dkim = [new FailureReportDkim("example.com", "s", dkim, dkimAligned)],
        };

        Assert.That(FailureReportComposer.IdentityAlignment(request), Is.EqualTo(expected));
    }

    [Test]
    public void Compose_HeadersFollowedByBody_SendsHeadersOnly()
    {
        var request = FailureRequests.Create() with { Headers = FailureRequests.Headers + "\r\nSECRET BODY LINE\r\n" };

        var text = Serialize(Composer().Compose(request, Destination));
        var headers = Part<TextRfc822Headers>(Load(text), 2);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("SECRET BODY LINE"));
            Assert.That(headers.Message!.Headers[HeaderId.Subject], Is.EqualTo("Quarterly numbers"));
            Assert.That(headers.Message!.Headers[HeaderId.MessageId], Is.EqualTo("<m1@example.com>"));
            Assert.That(headers.Message!.Headers.Count, Is.EqualTo(6));
            Assert.That(headers.Message!.Body is not TextPart body || body.Text.Length == 0, Is.True);
        });
    }

    [Test]
    public void Compose_LfLineEnds_ReadsHeaderBlock()
    {
        var request = FailureRequests.Create() with { Headers = FailureRequests.Headers.Replace("\r\n", "\n") + "\nbody\n" };

        var headers = Part<TextRfc822Headers>(RoundTrip(request), 2);

        Assert.That(headers.Message!.Headers[HeaderId.From], Is.EqualTo("Alice <alice@example.com>"));
    }

    [Test]
    public void Compose_HeadersThatAreNotHeaders_SendsEmptyHeaderPart()
    {
        var request = FailureRequests.Create() with { Headers = "this is not a header\r\nnor this\r\n" };

        var message = RoundTrip(request);
        var headers = Part<TextRfc822Headers>(message, 2);

        Assert.Multiple(() =>
        {
            Assert.That(headers.Message!.Headers.Count, Is.Zero);
            Assert.That(message.Subject, Is.EqualTo("DMARC Failure Report for example.com"));
        });
    }

    [Test]
    public void Compose_Request_SetsEnvelopeOfTheReport()
    {
        var message = RoundTrip(FailureRequests.Create());

        Assert.Multiple(() =>
        {
            Assert.That(message.Subject, Is.EqualTo("FW: Quarterly numbers"));
            Assert.That(message.From.Mailboxes.Single().Address, Is.EqualTo("dmarc@receiver.example"));
            Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo("ruf@example.com"));
            Assert.That(message.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
            Assert.That(message.Date, Is.EqualTo(Now));
            Assert.That(message.MessageId, Does.EndWith("@receiver.example"));
        });
    }

    [Test]
    public void Compose_Request_HumanReadablePartNamesSourceAndResults()
    {
        var text = Part<TextPart>(RoundTrip(FailureRequests.Create()), 0).Text;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("192.0.2.7"));
            Assert.That(text, Does.Contain("DMARC: fail"));
            Assert.That(text, Does.Contain("DKIM: fail for d=example.com s=sel1, aligned"));
            Assert.That(text, Does.Contain("SPF: pass for mx.example.net, not aligned"));
        });
    }

    private static FailureReportComposer Composer() => new(Contact, new ManualTimeProvider(Now));

    private static MimeMessage RoundTrip(FailureReportRequest request) =>
        Load(Serialize(Composer().Compose(request, Destination)));

    private static string Serialize(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static MimeMessage Load(string text) =>
        MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

    private static HeaderList Fields(MimeMessage message) => Part<MessageFeedbackReport>(message, 1).Fields;

    private static T Part<T>(MimeMessage message, int index) where T : MimeEntity => (T)((MultipartReport)message.Body!)[index];

    private static string Unfolded(string value) => string.Join(' ', value.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}
