using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Reporting.Failure;
using Milter.Reporting.Mail;
using Milter.Reporting.Outgoing;
using Milter.TestKit.Client;
using MimeKit;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>The handler offering failing messages to the real failure reporter, whose mail goes to a capturing submitter.</summary>
public class FailureReportFilteringTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("198.51.100.7");

    private InMemoryDnsResolver _dns = null!;
    private CapturingSubmitter _submitter = null!;

    [SetUp]
    public void SetUp()
    {
        _submitter = new CapturingSubmitter();
        _dns = new InMemoryDnsResolver()
            .AddTxt("example.org", "v=spf1 ip4:192.0.2.0/28 -all")
            .AddTxt("_dmarc.example.org", "v=DMARC1; p=none; fo=1; ruf=mailto:ruf@example.org");
    }

    [Test]
    public async Task EndOfMessage_DmarcFailWithRuf_SendsAFailureReportWithTheHeaders()
    {
        var report = await SendAndReceiveAsync(Settings("FailureReports yes"), "<b@example.test>");

        Assert.That(report.Recipients.Select(r => r.Address), Is.EqualTo(new[] { "ruf@example.org" }));
        Assert.That(report.Text, Does.Contain("Subject: failing message"));
        Assert.That(report.Text, Does.Contain("Source-IP: 198.51.100.7"));
    }

    [Test]
    public async Task EndOfMessage_ToReportSkipTo_IsNotOffered()
    {
        var settings = Settings("FailureReports yes", "ReportSkipTo reports@example.test");
        var reporter = Reporter(settings);
        using var stop = new CancellationTokenSource();
        var running = reporter.RunAsync(stop.Token);

        await SendAsync(settings, reporter, "<reports@example.test>");
        await SendAsync(settings, reporter, "<b@example.test>");
        await _submitter.WaitAsync(1);
        await stop.CancelAsync();
        await running;

        Assert.That(_submitter.Messages, Has.Count.EqualTo(1));
        Assert.That(_submitter.Messages.Single().Text, Does.Contain("b@example.test"));
    }

    private static MilterSettings Settings(params string[] lines) =>
        FilterHarness.Settings(["SpfIgnoreHelo yes", "IprevCheck no", "ArcVerify no", "ReportContact dmarc@mx.test.example", .. lines]);

    private FailureReporter Reporter(MilterSettings settings) =>
        new(settings.Reporting, _submitter, new ReportDestinationVerifier(_dns), NullLogger.Instance);

    private async Task<Submission> SendAndReceiveAsync(MilterSettings settings, string recipient)
    {
        var reporter = Reporter(settings);
        using var stop = new CancellationTokenSource();
        var running = reporter.RunAsync(stop.Token);
        await SendAsync(settings, reporter, recipient);
        await _submitter.WaitAsync(1);
        await stop.CancelAsync();
        await running;
        return _submitter.Messages.Single();
    }

    private async Task SendAsync(MilterSettings settings, FailureReporter reporter, string recipient)
    {
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: failing message\r\n\r\nHello\r\n"));
        await using var server = await FilterHarness.StartAsync(settings, _dns, failureReporter: reporter);
        await using var connection = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await connection.NegotiateAsync();
        await connection.ConnectAsync("mail.example.org", Stranger, 25);
        await connection.HeloAsync("mail.example.org");
        await connection.SendMessageAsync(message, new MilterEnvelope("<a@example.org>", recipient));
    }

    private sealed record Submission(string Text, IReadOnlyList<MailboxAddress> Recipients);

    private sealed class CapturingSubmitter : IMailSubmitter
    {
        private readonly ConcurrentQueue<Submission> _messages = new();

        public IReadOnlyList<Submission> Messages => [.. _messages];

        public Task SubmitAsync(MimeMessage message, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, CancellationToken cancellationToken)
        {
            using var text = new MemoryStream();
            message.WriteTo(text, cancellationToken);
            _messages.Enqueue(new Submission(Encoding.UTF8.GetString(text.ToArray()), recipients));
            return Task.CompletedTask;
        }

        public async Task WaitAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (_messages.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
