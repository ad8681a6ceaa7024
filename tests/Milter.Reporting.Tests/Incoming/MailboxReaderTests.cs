using System.Text;
using Milter.Reporting.Incoming;
using MimeKit;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Incoming;

public class MailboxReaderTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mailbox-reader-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Read_EmlFile_ReturnsTheOneMessage()
    {
        var path = ReportMails.Fixture("plain-xml.eml");

        var messages = MailboxReader.Read(path).ToList();

        Assert.That(messages, Has.Count.EqualTo(1));
        Assert.That(messages[0].Location, Is.EqualTo(path));
        Assert.That(messages[0].Message!.MessageId, Is.EqualTo("report-2026-11-21@mail.example.net"));
        Assert.That(messages[0].Describe(), Is.EqualTo($"{path} (Message-ID <report-2026-11-21@mail.example.net>)"));
    }

    [Test]
    public void Read_Mbox_ReturnsEveryMessageNumbered()
    {
        var path = Path.Combine(_directory, "reports.mbox");
        ReportMails.WriteMbox(path, ReportMails.Google(), ReportMails.Outlook(), ReportMails.Load("not-a-report.eml"));

        var messages = MailboxReader.Read(path).ToList();

        Assert.That(messages.Select(m => m.Location), Is.EqualTo(new[] { $"{path} message 1", $"{path} message 2", $"{path} message 3" }));
        Assert.That(messages.Select(m => m.Message!.MessageId), Is.EqualTo(new[] { "google-4417083127765329102@google.example", "9c1f0e6a@outlook.example", "question-1@example.org" }));
    }

    [Test]
    public void Read_Maildir_ReturnsNewThenCurAndSkipsTmp()
    {
        Write(Path.Combine(_directory, "new", "1795305600.1.host"), ReportMails.Yahoo());
        Write(Path.Combine(_directory, "new", "1795305601.2.host"), ReportMails.Outlook());
        Write(Path.Combine(_directory, "cur", "1795305500.3.host:2,S"), ReportMails.Google());
        Write(Path.Combine(_directory, "tmp", "1795305700.4.host"), ReportMails.Load("not-a-report.eml"));

        var messages = MailboxReader.Read(_directory).ToList();

        Assert.That(messages.Select(m => m.Message!.MessageId), Is.EqualTo(new[] { "1795305600.681234@yahoo.example", "9c1f0e6a@outlook.example", "google-4417083127765329102@google.example" }));
        Assert.That(messages[2].Location, Is.EqualTo(Path.Combine(_directory, "cur", "1795305500.3.host:2,S")));
    }

    [Test]
    public void Read_MissingPath_ThrowsFileNotFound()
    {
        Assert.That(() => MailboxReader.Read(Path.Combine(_directory, "absent")), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public void ReadSingle_Stream_NamesTheMessageByTheGivenLocation()
    {
        using var stream = new MemoryStream(File.ReadAllBytes(ReportMails.Fixture("minimal-report.eml")));

        var message = MailboxReader.ReadSingle(stream, "stdin");

        Assert.That(message.Describe(), Is.EqualTo("stdin (Message-ID <minimal-7@minimal.example>)"));
        Assert.That(message.Error, Is.Null);
    }

    [Test]
    public void ReadSingle_EmptyStream_ReturnsTheParseError()
    {
        var message = MailboxReader.ReadSingle(new MemoryStream(), "stdin");

        Assert.That(message.Message, Is.Null);
        Assert.That(message.Error, Does.StartWith("not a MIME message"));
        Assert.That(message.Describe(), Is.EqualTo("stdin"));
    }

    private static void Write(string path, MimeMessage message)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, message.ToString(), Encoding.ASCII);
    }
}
