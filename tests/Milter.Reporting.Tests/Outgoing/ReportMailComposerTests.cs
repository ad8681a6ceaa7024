using System.Xml.Linq;
using MimeKit;
using Milter.TestKit.Mail;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Outgoing;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Outgoing;

[TestFixture]
public sealed class ReportMailComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 0, 5, 0, TimeSpan.Zero);

    [Test]
    public void Compose_Report_ParsesBackWithSubjectHeadersAndAttachment()
    {
        var report = new ReportBuilder(ReportSamples.Options(), "treewalk").Build(ReportSamples.History(), ReportSamples.Day);
        var xml = new MemoryStream();
        AggregateReportWriter.Write(report, xml);
        var compressed = ReportFile.Compress(xml.ToArray());

        var parsed = RoundTrip(ReportMailComposer.Compose(
            report, compressed, MailboxAddress.Parse("dmarc-reports@receiver.example"), MailboxAddress.Parse("dmarc@example.com"), Now));

        Assert.That(parsed.Subject, Is.EqualTo($"Report Domain: example.com Submitter: receiver.example Report-ID: <{report.Metadata.ReportId}>"));
        Assert.That(parsed.From.Mailboxes.Single().Address, Is.EqualTo("dmarc-reports@receiver.example"));
        Assert.That(parsed.To.Mailboxes.Single().Address, Is.EqualTo("dmarc@example.com"));
        Assert.That(parsed.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(parsed.Date, Is.EqualTo(Now));
        Assert.That(parsed.MessageId, Does.EndWith("@receiver.example"));

        var text = parsed.BodyParts.OfType<TextPart>().Single();
        Assert.That(text.Text, Does.Contain("example.com").And.Contain("4 messages"));

        var attachment = parsed.Attachments.OfType<MimePart>().Single();
        Assert.That(attachment.ContentType.MimeType, Is.EqualTo("application/gzip"));
        Assert.That(attachment.FileName, Is.EqualTo("receiver.example!example.com!1795305600!1795392000.xml.gz"));

        var document = XDocument.Load(ReportAttachment.Gunzip(attachment));
        XNamespace ns = AggregateReportWriter.Namespace;
        Assert.That(document.Descendants(ns + "report_id").Single().Value, Is.EqualTo(report.Metadata.ReportId));
        Assert.That(document.Descendants(ns + "record").Count(), Is.EqualTo(2));
    }

    [TestCase("postmaster")]
    [TestCase("not an address@")]
    public void ReceiverDomain_ContactWithoutDomain_Throws(string contact)
    {
        Assert.That(() => ReportMailComposer.ReceiverDomain(contact), Throws.TypeOf<FormatException>());
    }

    private static MimeMessage RoundTrip(MimeMessage message)
    {
        var bytes = new MemoryStream();
        message.WriteTo(bytes);
        bytes.Position = 0;
        return MimeMessage.Load(bytes);
    }

}
