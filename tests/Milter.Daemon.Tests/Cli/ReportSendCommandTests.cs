using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using MimeKit;
using Milter.TestKit.Mail;
using Milter.Daemon.Cli;
using Milter.Reporting;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;
using Milter.TestKit.Postfix;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Cli;

/// <summary><c>authmilter report send</c> end to end: a SQLite store in a temporary directory and the TestKit SMTP sink.</summary>
public sealed class ReportSendCommandTests
{
    private const string Period = "1795305600/1795392000";
    private static readonly DateTimeOffset Begin = DateTimeOffset.FromUnixTimeSeconds(1795305600);

    private string _directory = null!;
    private string _database = null!;
    private SmtpSink _sink = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("authmilter-report-send-").FullName;
        _database = Path.Combine(_directory, "history.db");
        _sink = SmtpSink.Start();
        await using var store = ReportStores.Open($"sqlite:{_database}")!;
        await store.MigrateAsync(CancellationToken.None);
        var row = new ReportRecord(IPAddress.Parse("192.0.2.1"), 1, new PolicyEvaluated("reject", "fail", "fail"), "example.com")
        {
            EnvelopeFrom = "example.com",
            Spf = [new SpfAuthResult("example.com", "mfrom", "fail")],
        };
        const string record = "v=DMARC1; p=reject; rua=mailto:dmarc@example.com";
        await store.AppendHistoryAsync(
            [
                new HistoryEntry(Begin.AddHours(1), "example.com", record, row),
                new HistoryEntry(Begin.AddHours(2), "example.com", record, row),
                new HistoryEntry(Begin.AddDays(-1), "example.com", record, row),
            ],
            CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _sink.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Run_Period_SendsTheReportOnceAndPrintsALine()
    {
        var (code, output, _) = await RunAsync("--config", Config(), "--period", Period);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("example.com mailto:dmarc@example.com sent"));
        var mail = await _sink.ReceiveAsync(TimeSpan.FromSeconds(10));
        Assert.That(mail.Recipients, Is.EqualTo(new[] { "dmarc@example.com" }));
        var message = MimeMessage.Load(new MemoryStream(mail.Data));
        Assert.That(message.Subject, Does.StartWith("Report Domain: example.com Submitter: receiver.example Report-ID: <"));
        var attachment = message.Attachments.OfType<MimePart>().Single();
        Assert.That(attachment.FileName, Is.EqualTo("receiver.example!example.com!1795305600!1795392000.xml.gz"));
        var xml = XDocument.Load(ReportAttachment.Gunzip(attachment));
        XNamespace ns = AggregateReportWriter.Namespace;
        Assert.That(xml.Descendants(ns + "count").Single().Value, Is.EqualTo("2"), "the two messages of the period, not the one before");
        Assert.That(xml.Descendants(ns + "org_name").Single().Value, Is.EqualTo("Receiver Example"));

        var (again, againOutput, _) = await RunAsync("--config", Config(), "--period", Period);

        Assert.That(again, Is.EqualTo(0));
        Assert.That(againOutput, Does.Contain("already-done"));
        Assert.That(_sink.TryReceive(out _), Is.False);
    }

    [Test]
    public async Task Run_DryRun_PrintsWhereItWouldGoSendsAndRecordsNothing()
    {
        var (code, output, _) = await RunAsync("--config", Config(), "--period", "2026-11-22", "--dry-run");

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("would-send").And.Contain("receiver.example!example.com!1795305600!1795392000.xml.gz"));
        Assert.That(_sink.TryReceive(out _), Is.False);
        await using var store = ReportStores.Open($"sqlite:{_database}")!;
        Assert.That(await store.DeliveriesAsync(DateTimeOffset.UnixEpoch, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Run_SmtpServerDown_ExitsOneAndTheNextRunSends()
    {
        var (code, output, _) = await RunAsync("--config", Config(smtpPort: ClosedPort()), "--period", Period);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("failed"));

        var (retry, retryOutput, _) = await RunAsync("--config", Config(), "--period", Period);

        Assert.That(retry, Is.EqualTo(0));
        Assert.That(retryOutput, Does.Contain(" sent"));
        Assert.That((await _sink.ReceiveAsync(TimeSpan.FromSeconds(10))).Recipients, Is.EqualTo(new[] { "dmarc@example.com" }));
    }

    [Test]
    public async Task Run_NoPeriod_TheLastCompleteOne()
    {
        var output = new StringWriter();
        var clock = new FixedClock(Begin.AddDays(1).AddHours(3));

        var code = await ReportSendCommand.RunAsync(["--config", Config(), "--dry-run"], output, new StringWriter(), clock);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output.ToString(), Does.StartWith("2026-11-22T00:00:00Z/2026-11-23T00:00:00Z example.com"));
    }

    [TestCase("--bogus")]
    [TestCase("--period")]
    [TestCase("--period", "2026-13-01")]
    [TestCase("--period", "200/100")]
    [TestCase("--period", "x/100")]
    public async Task Run_BadArguments_Usage(params string[] args)
    {
        var (code, _, error) = await RunAsync(["--config", Config(), .. args]);

        Assert.That(code, Is.EqualTo(64));
        Assert.That(error, Does.Contain("usage: authmilter report send"));
    }

    [Test]
    public async Task Run_DayWithAnHourlyInterval_Usage()
    {
        var (code, _, error) = await RunAsync("--config", Config(extra: "ReportInterval 1h"), "--period", "2026-11-22");

        Assert.That(code, Is.EqualTo(64));
        Assert.That(error, Does.Contain("BEGIN/END"));
    }

    [Test]
    public async Task Run_StoreNone_ConfigError()
    {
        var path = Path.Combine(_directory, "none.conf");
        await File.WriteAllTextAsync(path, "ReportStore none\n");

        var (code, _, error) = await RunAsync("--config", path, "--period", Period);

        Assert.That(code, Is.EqualTo(78));
        Assert.That(error, Does.Contain("ReportStore is none"));
    }

    [Test]
    public async Task Run_MissingConfigFile_ConfigError()
    {
        var (code, _, _) = await RunAsync("--config", Path.Combine(_directory, "missing.conf"));

        Assert.That(code, Is.EqualTo(78));
    }

    [Test]
    public async Task Run_BadSmtpServer_ConfigError()
    {
        var path = Path.Combine(_directory, "bad.conf");
        await File.WriteAllTextAsync(path, $"ReportStore sqlite:{_database}\nReportSmtpServer mail.example:smtp\nReportContact dmarc-reports@receiver.example\n");

        var (code, _, error) = await RunAsync("--config", path, "--period", Period);

        Assert.That(code, Is.EqualTo(78));
        Assert.That(error, Does.Contain("smtp"));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await ReportSendCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    // Nameservers point at a port where nothing answers: no destination here is external, so none is queried.
    private string Config(int? smtpPort = null, string extra = "")
    {
        var path = Path.Combine(_directory, $"milter-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"""
            ReportStore sqlite:{_database}
            ReportSmtpServer 127.0.0.1:{smtpPort ?? _sink.EndPoint.Port}
            ReportContact dmarc-reports@receiver.example
            ReportOrgName Receiver Example
            Nameservers 127.0.0.1:9
            {extra}
            """);
        return path;
    }


    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
