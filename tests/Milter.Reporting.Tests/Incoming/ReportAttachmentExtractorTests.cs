using System.Text;
using Milter.Reporting.Incoming;
using MimeKit;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

public class ReportAttachmentExtractorTests
{
    private readonly ReportAttachmentExtractor _extractor = new();

    [Test]
    public void Extract_GoogleStyleWholeBodyZip_ReturnsTheXmlEntry()
    {
        var documents = _extractor.Extract(ReportMails.Google());

        Assert.That(documents, Has.Count.EqualTo(1));
        Assert.That(documents[0].Name, Is.EqualTo("google.com!example.com!1795132800!1795219199.zip/google.com!example.com!1795132800!1795219199.xml"));
        Assert.That(Bytes(documents[0]), Is.EqualTo(ReportMails.Xml("google.xml")));
    }

    [Test]
    public void Extract_OutlookStyleGzipAttachment_ReturnsTheXmlWithoutGzSuffix()
    {
        var documents = _extractor.Extract(ReportMails.Outlook());

        Assert.That(documents, Has.Count.EqualTo(1));
        Assert.That(documents[0].Name, Is.EqualTo("outlook.example!example.com!1795132800!1795219200.xml"));
        Assert.That(Bytes(documents[0]), Is.EqualTo(ReportMails.Xml("outlook.xml")));
    }

    [Test]
    public void Extract_YahooStyleGzipAttachment_ReturnsTheXml()
    {
        var documents = _extractor.Extract(ReportMails.Yahoo());

        Assert.That(documents.Select(Bytes), Is.EqualTo(new[] { ReportMails.Xml("yahoo.xml") }));
    }

    [Test]
    public void Extract_TextXmlAttachment_ReturnsItAndSkipsTheTextPart()
    {
        var documents = _extractor.Extract(ReportMails.Load("plain-xml.eml"));

        Assert.That(documents, Has.Count.EqualTo(1));
        Assert.That(documents[0].Name, Is.EqualTo("mail.example.net!example.net!1795219200!1795305600.xml"));
        Assert.That(Encoding.UTF8.GetString(Bytes(documents[0])), Does.StartWith("<?xml").And.Contain("<report_id>mx1.2026-11-21</report_id>"));
    }

    [Test]
    public void Extract_OctetStreamNamedXml_IsTakenByItsFileName()
    {
        var documents = _extractor.Extract(ReportMails.Load("minimal-report.eml"));

        Assert.That(documents, Has.Count.EqualTo(1));
        Assert.That(Encoding.UTF8.GetString(Bytes(documents[0])), Does.Contain("<org_name>Minimal Reporter</org_name>"));
    }

    [Test]
    public void Extract_OctetStreamNamedGz_IsInflatedByItsMagicBytes()
    {
        var message = ReportMails.WithGzip(ReportMails.Gzip(ReportMails.Xml("yahoo.xml")));
        var part = message.BodyParts.OfType<MimePart>().Single();
        part.ContentType.MediaSubtype = "octet-stream";

        var documents = _extractor.Extract(message);

        Assert.That(documents.Select(Bytes), Is.EqualTo(new[] { ReportMails.Xml("yahoo.xml") }));
    }

    [Test]
    public void Extract_ZipLabelledGzip_IsUnzippedByItsMagicBytes()
    {
        var message = ReportMails.WithGzip(ReportMails.Zip(("r.xml", ReportMails.Xml("yahoo.xml"))));

        var documents = _extractor.Extract(message);

        Assert.That(documents.Select(d => d.Name), Is.EqualTo(new[] { "report.xml.gz/r.xml" }));
    }

    [Test]
    public void Extract_MessageWithTextAndPdfOnly_ReturnsNothing()
    {
        Assert.That(_extractor.Extract(ReportMails.Load("not-a-report.eml")), Is.Empty);
    }

    [Test]
    public void Extract_ZipBombDeclaringItsSize_IsRefusedBeforeInflating()
    {
        var message = ReportMails.WithZip(("bomb.xml", new byte[40 * 1024 * 1024]));

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(message));

        Assert.That(exception!.Message, Does.StartWith("report.zip/bomb.xml: declares 41943040 bytes, more than 33554432"));
    }

    [Test]
    public void Extract_GzipBomb_IsRefusedByTheCompressionRatio()
    {
        var message = ReportMails.WithGzip(ReportMails.Gzip(new byte[8 * 1024 * 1024]));

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(message));

        Assert.That(exception!.Message, Does.StartWith("report.xml.gz: inflates more than 200 times").And.Contain("possible decompression bomb"));
    }

    [Test]
    public void Extract_ZipBombUnderTheDeclaredLimit_IsRefusedByTheCompressionRatio()
    {
        var message = ReportMails.WithZip(("bomb.xml", new byte[16 * 1024 * 1024]));

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(message));

        Assert.That(exception!.Message, Does.StartWith("report.zip/bomb.xml: inflates more than 200 times"));
    }

    [Test]
    public void Extract_GzipInflatingToExactlyTheLimit_IsAccepted()
    {
        var extractor = new ReportAttachmentExtractor(new ReportAttachmentLimits { MaxDocumentBytes = 4096 });
        var content = Compressible(4096);

        var documents = extractor.Extract(ReportMails.WithGzip(ReportMails.Gzip(content)));

        Assert.That(documents.Select(Bytes), Is.EqualTo(new[] { content }));
    }

    [Test]
    public void Extract_GzipInflatingOneByteOverTheLimit_IsRefused()
    {
        var extractor = new ReportAttachmentExtractor(new ReportAttachmentLimits { MaxDocumentBytes = 4096 });

        var exception = Assert.Throws<ReportAttachmentException>(() => extractor.Extract(ReportMails.WithGzip(ReportMails.Gzip(Compressible(4097)))));

        Assert.That(exception!.Message, Is.EqualTo("report.xml.gz: inflates to more than 4096 bytes; refused as a possible decompression bomb"));
    }

    [Test]
    public void Extract_ZipWithTheMaximumEntries_ReturnsThemAll()
    {
        var entries = Enumerable.Range(1, 10).Select(i => ($"r{i}.xml", ReportMails.Xml("yahoo.xml"))).ToArray();

        Assert.That(_extractor.Extract(ReportMails.WithZip(entries)), Has.Count.EqualTo(10));
    }

    [Test]
    public void Extract_ZipWithOneEntryTooMany_IsRefused()
    {
        var entries = Enumerable.Range(1, 11).Select(i => ($"r{i}.xml", ReportMails.Xml("yahoo.xml"))).ToArray();

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(ReportMails.WithZip(entries)));

        Assert.That(exception!.Message, Is.EqualTo("report.zip: the zip has 11 entries, more than 10"));
    }

    [Test]
    public void Extract_MoreDocumentsThanTheLimit_IsRefused()
    {
        var extractor = new ReportAttachmentExtractor(new ReportAttachmentLimits { MaxDocuments = 2 });
        var entries = Enumerable.Range(1, 3).Select(i => ($"r{i}.xml", ReportMails.Xml("yahoo.xml"))).ToArray();

        var exception = Assert.Throws<ReportAttachmentException>(() => extractor.Extract(ReportMails.WithZip(entries)));

        Assert.That(exception!.Message, Is.EqualTo("the message carries more than 2 report documents"));
    }

    [Test]
    public void Extract_GzipWithAnInvalidDeflateBlock_IsABrokenGzipError()
    {
        // A gzip header, then a final block of the reserved type 3.
        byte[] gzip = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff];

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(ReportMails.WithGzip(gzip)));

        Assert.That(exception!.Message, Does.StartWith("report.xml.gz: broken gzip data"));
    }

    [Test]
    public void Extract_ZipWithoutCentralDirectory_IsABrokenZipError()
    {
        var zip = ReportMails.Zip(("r.xml", ReportMails.Xml("google.xml")));
        var message = ReportMails.WithZip();
        message.BodyParts.OfType<MimePart>().Single().Content = new MimeContent(new MemoryStream(zip[..(zip.Length / 2)]));

        var exception = Assert.Throws<ReportAttachmentException>(() => _extractor.Extract(message));

        Assert.That(exception!.Message, Does.StartWith("report.zip: broken zip archive"));
    }

    private static byte[] Bytes(ReportDocument document)
    {
        using var copy = new MemoryStream();
        document.Content.CopyTo(copy);
        return copy.ToArray();
    }

    // Compresses well, so the attachment itself stays under a small document limit while its content reaches it.
    private static byte[] Compressible(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26)))];
}
