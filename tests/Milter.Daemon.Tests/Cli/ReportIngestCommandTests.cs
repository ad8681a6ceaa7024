using System.IO.Compression;
using Milter.Daemon.Cli;
using Milter.TestKit;
using MimeKit;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Cli;

/// <summary><c>authmilter report ingest</c> end to end: a milter.conf pointing ReportStore at a SQLite file in a temporary directory.</summary>
public class ReportIngestCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private string _directory = null!;
    private string _config = null!;

    [SetUp]
    public void CreateConfig()
    {
        _directory = Directory.CreateTempSubdirectory("report-ingest-").FullName;
        _config = WriteConfig(_directory, $"sqlite:{Path.Combine(_directory, "history.db")}");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Run_ReportOnStandardInput_StoresItAndExitsZero()
    {
        var (exitCode, output, error) = await RunAsync(GzipReport("outlook.xml").ToString(), "--config", _config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output.Trim(), Is.EqualTo("1 message: 1 stored, 0 duplicates, 0 not reports, 0 malformed"));
        Assert.That(error, Is.Empty);
    }

    [Test]
    public async Task Run_SameReportPipedTwice_SecondIsADuplicateAndExitsZero()
    {
        var message = GzipReport("google.xml").ToString();
        await RunAsync(message, "--config", _config);

        var (exitCode, output, _) = await RunAsync(message, "--config", _config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output.Trim(), Is.EqualTo("1 message: 0 stored, 1 duplicate, 0 not reports, 0 malformed"));
    }

    [Test]
    public async Task Run_PipedMessageThatIsNotAReport_ExitsZeroAndSaysWhyOnStderr()
    {
        var (exitCode, output, error) = await RunAsync(File.ReadAllText(Fixture("not-a-report.eml")), "--config", _config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output.Trim(), Is.EqualTo("1 message: 0 stored, 0 duplicates, 1 not a report, 0 malformed"));
        Assert.That(error, Does.Contain("stdin (Message-ID <question-1@example.org>): not a report: no XML, gzip or zip part"));
        Assert.That(error, Does.Contain("a bounce to the sender would not help"));
    }

    [Test]
    public async Task Run_PathsOfAnEmlAnMboxAndAMaildir_StoresEveryReport()
    {
        var mbox = Path.Combine(_directory, "reports.mbox");
        await File.WriteAllTextAsync(mbox, $"From MAILER-DAEMON Mon Nov 23 10:00:00 2026\n{GzipReport("google.xml")}\nFrom MAILER-DAEMON Mon Nov 23 10:00:01 2026\n{File.ReadAllText(Fixture("not-a-report.eml"))}\n");
        var maildir = Path.Combine(_directory, "Maildir");
        Directory.CreateDirectory(Path.Combine(maildir, "new"));
        Directory.CreateDirectory(Path.Combine(maildir, "cur"));
        Directory.CreateDirectory(Path.Combine(maildir, "tmp"));
        await File.WriteAllTextAsync(Path.Combine(maildir, "new", "1795305600.1.host"), GzipReport("outlook.xml").ToString());
        File.Copy(Fixture("minimal-report.eml"), Path.Combine(maildir, "cur", "1795305000.2.host:2,S"));

        var (exitCode, output, error) = await RunAsync(string.Empty, "--config", _config, Fixture("plain-xml.eml"), mbox, maildir);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output.Trim(), Is.EqualTo("5 messages: 4 stored, 0 duplicates, 1 not a report, 0 malformed"));
        Assert.That(error.Trim(), Is.EqualTo($"authmilter report ingest: {mbox} message 2 (Message-ID <question-1@example.org>): not a report: no XML, gzip or zip part"));
    }

    [Test]
    public async Task Run_StoreFileIsNotADatabase_ExitsTempFail()
    {
        var broken = Path.Combine(_directory, "broken.db");
        await File.WriteAllTextAsync(broken, new string('x', 4096));
        var config = WriteConfig(_directory, $"sqlite:{broken}", "broken.conf");

        var (exitCode, _, error) = await RunAsync(GzipReport("google.xml").ToString(), "--config", config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.TempFail));
        Assert.That(error, Does.StartWith("authmilter report ingest: cannot store reports now: "));
    }

    [Test]
    public async Task Run_ReportStoreNone_IsAConfigError()
    {
        var config = WriteConfig(_directory, "none", "none.conf");

        var (exitCode, _, error) = await RunAsync(GzipReport("google.xml").ToString(), "--config", config);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Config));
        Assert.That(error.Trim(), Is.EqualTo("authmilter report ingest: ReportStore is none: there is nowhere to keep reports"));
    }

    [Test]
    public async Task Run_UnreadableConfig_IsAConfigError()
    {
        var (exitCode, _, _) = await RunAsync(string.Empty, "--config", Path.Combine(_directory, "absent.conf"));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Config));
    }

    [Test]
    public async Task Run_UnknownOption_IsAUsageError()
    {
        var (exitCode, _, error) = await RunAsync(string.Empty, "--config", _config, "--verbose");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("unknown option or missing value: --verbose").And.Contain("usage: authmilter report ingest"));
    }

    [Test]
    public async Task Run_MissingPath_IsAUsageErrorNamingIt()
    {
        var missing = Path.Combine(_directory, "absent.mbox");

        var (exitCode, _, error) = await RunAsync(string.Empty, "--config", _config, missing);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error.Trim(), Is.EqualTo($"authmilter report ingest: {missing}: no such file or directory"));
    }

    internal static string Fixture(string name) =>
        Path.Combine(RepositoryPaths.Root, "tests", "Milter.Reporting.Tests", "TestData", "Incoming", name);

    internal static string WriteConfig(string directory, string store, string name = "milter.conf")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, [$"ReportStore {store}"]);
        return path;
    }

    /// <summary>A report mail with the fixture <paramref name="xml"/> gzip-compressed as its attachment, as most receivers send them.</summary>
    internal static MimeMessage GzipReport(string xml)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(File.ReadAllBytes(Fixture(xml)));
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("reports@example.org"));
        message.To.Add(MailboxAddress.Parse("dmarc-rua@example.com"));
        message.Subject = $"Report Domain: example.com ({xml})";
        message.MessageId = $"{xml}@example.org";
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "An aggregate report." },
            new MimePart("application", "gzip")
            {
                Content = new MimeContent(new MemoryStream(compressed.ToArray())),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = Path.ChangeExtension(xml, ".xml.gz"),
            },
        };
        return message;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ReportIngestCommand.RunAsync(args, new StringReader(input), output, error, new FixedClock(Now));
        return (exitCode, output.ToString(), error.ToString());
    }
}
