using System.IO.Compression;
using MimeKit;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

/// <summary>
/// Report messages in the styles of the big receivers, built at run time from the XML fixtures so the repository holds
/// no opaque archives: Google (the whole body is a zip), Outlook (text plus an .xml.gz), Yahoo (text plus a .gz).
/// </summary>
internal static class ReportMails
{
    public static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Incoming", name);

    public static byte[] Xml(string name) => File.ReadAllBytes(Fixture(name));

    public static MimeMessage Load(string name) => MimeMessage.Load(Fixture(name));

    /// <summary>Google style: no text part, the message body is the zip itself, named reporter!domain!begin!end.zip.</summary>
    public static MimeMessage Google()
    {
        var message = Headers("noreply-dmarc-support@google.example", "Report domain: example.com Submitter: google.com Report-ID: 4417083127765329102", "google-4417083127765329102@google.example");
        message.Body = Attachment("application", "zip", "google.com!example.com!1795132800!1795219199.zip", Zip(("google.com!example.com!1795132800!1795219199.xml", Xml("google.xml"))));
        return message;
    }

    /// <summary>Outlook style: a text part, then the namespaced XML gzip-compressed as application/gzip, .xml.gz.</summary>
    public static MimeMessage Outlook() => WithText(
        Headers("dmarcreport@outlook.example", "Report Domain: example.com Submitter: outlook.example Report-ID: <9c1f0e6a52b84d7e8a3b0f27d4c61e95>", "9c1f0e6a@outlook.example"),
        "This is a DMARC aggregate report from Outlook.com.",
        Attachment("application", "gzip", "outlook.example!example.com!1795132800!1795219200.xml.gz", Gzip(Xml("outlook.xml"))));

    /// <summary>Yahoo style: a short text part and a gzip of a one-record report with few optional fields.</summary>
    public static MimeMessage Yahoo() => WithText(
        Headers("dmarchelp@yahoo.example", "Report Domain: example.com Submitter: yahoo.example Report-ID: <1795305600.681234>", "1795305600.681234@yahoo.example"),
        "This is an aggregate report from Yahoo.",
        Attachment("application", "gzip", "yahoo.example!example.com!1795219200!1795305599.xml.gz", Gzip(Xml("yahoo.xml"))));

    /// <summary>A message whose attachment is a zip of <paramref name="entries"/>.</summary>
    public static MimeMessage WithZip(params (string Name, byte[] Content)[] entries)
    {
        var message = Headers("bomb@example.org", "Report Domain: example.com", "zip@example.org");
        message.Body = Attachment("application", "zip", "report.zip", Zip(entries));
        return message;
    }

    /// <summary>A message whose attachment is <paramref name="compressed"/> labelled application/gzip.</summary>
    public static MimeMessage WithGzip(byte[] compressed)
    {
        var message = Headers("bomb@example.org", "Report Domain: example.com", "gzip@example.org");
        message.Body = Attachment("application", "gzip", "report.xml.gz", compressed);
        return message;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The messages written as one mbox, each after a <c>From </c> line.</summary>
    public static void WriteMbox(string path, params MimeMessage[] messages)
    {
        using var file = File.Create(path);
        foreach (var message in messages)
        {
            file.Write("From MAILER-DAEMON Mon Nov 23 10:00:00 2026\n"u8);
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Unix;
            message.WriteTo(options, file);
            file.Write("\n"u8);
        }
    }

    private static MimeMessage Headers(string from, string subject, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("dmarc-rua@example.com"));
        message.Subject = subject;
        message.MessageId = messageId;
        message.Date = new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
        return message;
    }

    private static MimeMessage WithText(MimeMessage message, string text, MimePart attachment)
    {
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = text }, attachment };
        return message;
    }

    private static MimePart Attachment(string mediaType, string subtype, string fileName, byte[] content) => new(mediaType, subtype)
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = fileName,
    };
}
