using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Milter.Reporting;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;
using Milter.TestKit.Postfix;
using Milter.TestKit.Postgres;
using MimeKit;

namespace Milter.IntegrationTests.Reporting;

/// <summary>
/// Several MTAs share one PostgreSQL report database: two <c>authmilter report send</c> processes started together
/// for the same period must, through the store's send lease, mail each report once between them.
/// </summary>
[NonParallelizable]
public partial class ReportLeaseTests
{
    private const int Domains = 15;

    private PostgresServer _postgres = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartPostgresAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _directory = Directory.CreateTempSubdirectory("authmilter-lease-").FullName;
    }

    [OneTimeTearDown]
    public async Task StopPostgresAsync()
    {
        await _postgres.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task TwoSendersAtOnce_SendEachReportOnce()
    {
        var connectionString = await _postgres.CreateDatabaseAsync("lease_round_trip");
        // Whole seconds, as --period gives them.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var period = new ReportPeriod(now.AddHours(-1), now);
        await using var store = new PostgresReportStore(connectionString);
        await store.MigrateAsync(CancellationToken.None);
        await store.AppendHistoryAsync(
            [.. Enumerable.Range(1, Domains).Select(i => new HistoryEntry(
                period.Begin.AddMinutes(1), Domain(i), $"v=DMARC1; p=none; rua=mailto:dmarc@{Domain(i)}",
                new ReportRecord(IPAddress.Parse("192.0.2.1"), i, new PolicyEvaluated("none", "fail", "pass"), Domain(i))))],
            CancellationToken.None);

        await using var sink = SmtpSink.Start();
        var config = Path.Combine(_directory, "send.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"ReportStore postgres:{connectionString}",
            $"ReportSmtpServer 127.0.0.1:{sink.EndPoint.Port}",
            "ReportContact dmarc-noreply@mx.test",
            "ReportOrgName Shared Database MX",
        ]);
        var arguments = new[] { "report", "send", "--config", config, "--period", string.Create(CultureInfo.InvariantCulture, $"{period.Begin.ToUnixTimeSeconds()}/{period.End.ToUnixTimeSeconds()}") };

        var runs = await Task.WhenAll(ReportingMail.RunAsync(arguments), ReportingMail.RunAsync(arguments));

        var output = string.Join("\n----\n", runs.Select(r => r.Output));
        // Which run holds the lease, and whether the other finds it held or the reports sent, depends on timing.
        TestContext.Out.WriteLine(output);
        Assert.That(runs.Select(r => r.ExitCode), Is.All.Zero, output);
        var recipients = new List<string>();
        while (sink.TryReceive(out var message))
        {
            recipients.AddRange(message!.Recipients);
            Assert.That(MimeMessage.Load(new MemoryStream(message.Data)).Subject, Does.StartWith($"Report Domain: {message.Recipients[0].Split('@')[1]} "));
        }

        var expected = Enumerable.Range(1, Domains).Select(i => $"dmarc@{Domain(i)}").ToArray();
        Assert.That(recipients, Is.EquivalentTo(expected), output);
        Assert.That(SentLine().Count(output), Is.EqualTo(Domains), output);

        var deliveries = await store.DeliveriesAsync(period.Begin, CancellationToken.None);
        Assert.That(deliveries.Select(d => $"{d.Destination} {d.Status} {d.Attempts}"),
            Is.EquivalentTo(expected.Select(address => $"mailto:{address} {ReportDeliveryStatus.Sent} 1")));
    }

    private static string Domain(int i) => string.Create(CultureInfo.InvariantCulture, $"d{i}.lease.test");

    [GeneratedRegex(@"^\S+ \S+ mailto:\S+ sent \(", RegexOptions.Multiline)]
    private static partial Regex SentLine();
}
