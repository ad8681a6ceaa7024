using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Milter.Daemon.Cli;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Protocol;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.TestKit;
using Milter.TestKit.Client;
using Milter.TestKit.Mail;
using MimeKit.Cryptography;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>What the handler hands to the report history: one entry per author domain, dispositions and override reasons.</summary>
public class HistoryRecordingTests
{
    private const string Helo = "mail.example.org";
    private const string ExampleOrgRecord = "v=DMARC1; p=reject; rua=mailto:dmarc@example.org";
    private static readonly IPAddress Permitted = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Stranger = IPAddress.Parse("198.51.100.7");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private InMemoryDnsResolver _dns = null!;
    private CapturingSink _sink = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new CapturingSink();
        _dns = new InMemoryDnsResolver()
            .AddTxt("example.org", "v=spf1 ip4:192.0.2.0/28 -all")
            .AddTxt("_dmarc.example.org", ExampleOrgRecord)
            .AddTxt("quarantined.example", "v=spf1 ip4:192.0.2.0/28 -all")
            .AddTxt("_dmarc.quarantined.example", "v=DMARC1; p=quarantine")
            .AddTxt("relaxed.example", "v=spf1 -all")
            .AddTxt("_dmarc.relaxed.example", "v=DMARC1; p=none")
            .AddTxt("legacy.example", "v=spf1 -all")
            .AddTxt("_dmarc.legacy.example", "v=DMARC1; p=reject; pct=0")
            .AddTxt("testing.example", "v=spf1 -all")
            .AddTxt("_dmarc.testing.example", "v=DMARC1; p=reject; t=y")
            .AddTxt("unpublished.example", "v=spf1 -all");
    }

    [Test]
    public async Task EndOfMessage_AlignedSpfPass_RecordsTheWholeRow()
    {
        await SendAsync(Settings(), "a@example.org", "a@example.org", Permitted);

        var entry = _sink.Entries.Single();
        Assert.That(entry.Received, Is.EqualTo(Now));
        Assert.That(entry.PolicyDomain, Is.EqualTo("example.org"));
        Assert.That(entry.PolicyRecord, Is.EqualTo(ExampleOrgRecord));
        Assert.That(entry.Row.SourceIp, Is.EqualTo(Permitted));
        Assert.That(entry.Row.Count, Is.EqualTo(1));
        Assert.That(entry.Row.HeaderFrom, Is.EqualTo("example.org"));
        Assert.That(entry.Row.EnvelopeFrom, Is.EqualTo("example.org"));
        Assert.That(entry.Row.EnvelopeTo, Is.EqualTo("example.test"));
        Assert.That(entry.Row.Evaluated, Is.EqualTo(new PolicyEvaluated("none", "fail", "pass")).Using<PolicyEvaluated>(SameEvaluation));
        Assert.That(entry.Row.Evaluated.Reasons, Is.Empty);
        Assert.That(entry.Row.Spf, Is.EqualTo(new[] { new SpfAuthResult("example.org", "mfrom", "pass") }));
        Assert.That(entry.Row.Dkim, Is.Empty);
    }

    [TestCase("a@example.org", "reject")]
    [TestCase("a@quarantined.example", "quarantine")]
    [TestCase("a@relaxed.example", "none")]
    public async Task EndOfMessage_DmarcFail_RecordsTheAppliedDisposition(string author, string disposition)
    {
        await SendAsync(Settings(), author, author, Stranger);

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That((evaluated.Disposition, evaluated.Dkim, evaluated.Spf), Is.EqualTo((disposition, "fail", "fail")));
        Assert.That(evaluated.Reasons, Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_RejectActionQuarantine_RecordsQuarantineWithLocalPolicy()
    {
        await SendAsync(Settings("DmarcRejectAction quarantine"), "a@example.org", "a@example.org", Stranger);

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That(evaluated.Disposition, Is.EqualTo("quarantine"));
        Assert.That(evaluated.Reasons, Is.EqualTo(new[] { new PolicyOverrideReason("local_policy", "DmarcRejectAction quarantine") }));
    }

    [TestCase("IgnoreDomains example.org", "IgnoreDomains")]
    [TestCase("DmarcMode header", "DmarcMode header")]
    public async Task EndOfMessage_PolicyNotEnforcedLocally_RecordsNoneWithLocalPolicy(string line, string comment)
    {
        await SendAsync(Settings(line), "a@example.org", "a@example.org", Stranger);

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That(evaluated.Disposition, Is.EqualTo("none"));
        Assert.That(evaluated.Reasons, Is.EqualTo(new[] { new PolicyOverrideReason("local_policy", comment) }));
    }

    [Test]
    public async Task EndOfMessage_OverridesFile_RecordsTheLocalDisposition()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, ["example.org none"]);
        try
        {
            await SendAsync(Settings($"DmarcOverrides {file}"), "a@example.org", "a@example.org", Stranger);
        }
        finally
        {
            File.Delete(file);
        }

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That(evaluated.Disposition, Is.EqualTo("none"));
        Assert.That(evaluated.Reasons, Is.EqualTo(new[] { new PolicyOverrideReason("local_policy", "DmarcOverrides: none") }));
    }

    [TestCase("a@testing.example", "yes", "quarantine", "policy_test_mode", "t=y")]
    [TestCase("a@legacy.example", "yes", "quarantine", "policy_test_mode", "pct=0")]
    [TestCase("a@legacy.example", "no", "reject", "local_policy", "DmarcHonorPct no: pct=0 applied in full")]
    public async Task EndOfMessage_TestingMode_RecordsWhatWasApplied(string author, string honorPct, string disposition, string type, string comment)
    {
        await SendAsync(Settings($"DmarcHonorPct {honorPct}"), author, author, Stranger);

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That(evaluated.Disposition, Is.EqualTo(disposition));
        Assert.That(evaluated.Reasons, Is.EqualTo(new[] { new PolicyOverrideReason(type, comment) }));
    }

    [Test]
    public async Task EndOfMessage_TrustedArcSealerLiftsReject_RecordsTrustedForwarder()
    {
        const string sealer = "lists.example.net";
        _dns.AddTxt($"test._domainkey.{sealer}", TestArcSealer.KeyRecord).AddTxt("_dmarc.football.example.com", "v=DMARC1; p=reject");
        var unsigned = Encoding.ASCII.GetBytes(File.ReadAllText(RepositoryPaths.SharedTestData("dkim", "rfc8463", "unsigned-message.eml")).ReplaceLineEndings("\r\n"));
        var sealedMessage = new TestArcSealer(sealer, sealer, new AuthenticationMethodResult("dmarc", "pass")).Seal(unsigned);

        await FilterHarness.SendAsync(
            FilterHarness.Settings("SpfMode off", "IprevCheck no", $"ArcTrustedSealers {sealer}"), _dns, ParsedEml.Parse(sealedMessage), $"<bounces@{sealer}>", Stranger, $"mail.{sealer}", _sink);

        var evaluated = _sink.Entries.Single().Row.Evaluated;
        Assert.That(evaluated.Disposition, Is.EqualTo("none"));
        Assert.That(evaluated.Reasons, Is.EqualTo(new[] { new PolicyOverrideReason("trusted_forwarder", $"ARC sealer {sealer}") }));
    }

    [Test]
    public async Task EndOfMessage_SeveralAuthorDomains_RecordsOneEntryEach()
    {
        await SendAsync(Settings(), "a@relaxed.example", "a@relaxed.example, b@example.org", Stranger);

        Assert.That(_sink.Entries.Select(e => (e.PolicyDomain, e.Row.HeaderFrom, e.Row.Evaluated.Disposition)),
            Is.EquivalentTo(new[] { ("relaxed.example", "relaxed.example", "reject"), ("example.org", "example.org", "reject") }));
        Assert.That(_sink.Entries.Single(e => e.PolicyDomain == "relaxed.example").Row.Evaluated.Reasons,
            Is.EqualTo(new[] { new PolicyOverrideReason("other", "policy of another author domain") }));
        Assert.That(_sink.Entries.Single(e => e.PolicyDomain == "example.org").Row.Evaluated.Reasons, Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_NoDmarcRecord_IsRecordedWithoutRecord()
    {
        await SendAsync(Settings(), "a@unpublished.example", "a@unpublished.example", Stranger);

        var entry = _sink.Entries.Single();
        Assert.That((entry.PolicyDomain, entry.PolicyRecord), Is.EqualTo(("unpublished.example", (string?)null)));
    }

    [Test]
    public async Task EndOfMessage_SignedNullSenderMessage_RecordsEverySignatureAndTheHeloCheck()
    {
        foreach (var line in File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", "rfc8463", "dns.txt")))
        {
            _dns.AddTxt(line[..line.IndexOf(' ')], line[(line.IndexOf(' ') + 1)..]);
        }

        _dns.AddTxt("_dmarc.football.example.com", "v=DMARC1; p=reject");
        var message = File.ReadAllText(RepositoryPaths.SharedTestData("dkim", "rfc8463", "signed-message.eml")).ReplaceLineEndings("\r\n");

        await FilterHarness.SendAsync(Settings(), _dns, ParsedEml.Parse(Encoding.ASCII.GetBytes(message)), "<>", Stranger, "unknown.example", _sink);

        var row = _sink.Entries.Single().Row;
        Assert.That(row.Dkim, Is.EquivalentTo(new[] { new DkimAuthResult("football.example.com", "brisbane", "pass"), new DkimAuthResult("football.example.com", "test", "pass") }));
        Assert.That(row.Spf, Is.EqualTo(new[] { new SpfAuthResult("unknown.example", "helo", "none") }));
        Assert.That(row.EnvelopeFrom, Is.Empty);
        Assert.That((row.Evaluated.Disposition, row.Evaluated.Dkim, row.Evaluated.Spf), Is.EqualTo(("none", "pass", "fail")));
    }

    [TestCase("ReportSkipTo dmarc-reports@example.test")]
    [TestCase("ReportSkipTo Example.Test.")]
    public async Task EndOfMessage_ToASkipToRecipient_IsNotRecorded(string line)
    {
        var result = await SendAsync(Settings(line), "a@example.org", "a@example.org", Stranger, "<someone@other.test>", "<dmarc-reports@example.test>");

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for example.org"));
        Assert.That(_sink.Entries, Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_SkipToDoesNotMatch_IsRecordedWithTheFirstRecipient()
    {
        await SendAsync(Settings("ReportSkipTo dmarc-reports@example.test"), "a@example.org", "a@example.org", Stranger, "<someone@Other.Test>", "<b@example.test>");

        Assert.That(_sink.Entries.Single().Row.EnvelopeTo, Is.EqualTo("other.test"));
    }

    [Test]
    public async Task EndOfMessage_TrustedNetwork_IsNotRecorded()
    {
        var result = await SendAsync(Settings("TrustedNetworks 198.51.100.0/24"), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(_sink.Entries, Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_AuthenticatedClient_IsNotRecorded()
    {
        await using var server = await FilterHarness.StartAsync(Settings(), _dns, _sink);
        await using var client = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await client.NegotiateAsync();
        await client.ConnectAsync(Helo, Stranger, 25);
        await client.HeloAsync(Helo);
        await client.MailFromAsync("<a@example.org>", null, new Dictionary<string, string> { ["{auth_authen}"] = "alice" });
        await client.RecipientAsync("<b@example.test>");
        await client.DataAsync();
        await client.HeaderAsync("From", " a@example.org");
        await client.EndOfHeadersAsync();
        await client.BodyAsync("Hi\r\n"u8.ToArray());

        var end = await client.EndOfMessageAsync();

        Assert.That(end.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(_sink.Entries, Is.Empty);
    }

    [TestCase("DmarcMode off")]
    [TestCase("DmarcTempfailOnError yes")]
    public async Task EndOfMessage_NoDmarcOutcome_IsNotRecorded(string line)
    {
        _dns.AddTemporaryError("_dmarc.example.org");

        await SendAsync(Settings(line), "a@example.org", "a@example.org", Stranger);

        Assert.That(_sink.Entries, Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_FullHistoryQueue_StillAnswersTheMessage()
    {
        _sink.Full = true;

        var result = await SendAsync(Settings(), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for example.org"));
        Assert.That(_sink.Refused, Is.EqualTo(1));
    }

    private static bool SameEvaluation(PolicyEvaluated x, PolicyEvaluated y) => (x.Disposition, x.Dkim, x.Spf) == (y.Disposition, y.Dkim, y.Spf);

    private static MilterSettings Settings(params string[] lines) => FilterHarness.Settings(["SpfIgnoreHelo yes", "IprevCheck no", "ArcVerify no", .. lines]);

    private async Task<MilterTransactionResult> SendAsync(MilterSettings settings, string sender, string from, IPAddress client, params string[] recipients)
    {
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes($"From: {from}\r\nSubject: history\r\n\r\nHello\r\n"));
        await using var server = await FilterHarness.StartAsync(settings, _dns, _sink, new FixedClock(Now));
        await using var connection = await MilterClient.OpenAsync(server.LocalEndPoint!);
        await connection.NegotiateAsync();
        await connection.ConnectAsync(Helo, client, 25);
        await connection.HeloAsync(Helo);
        return await connection.SendMessageAsync(message, new MilterEnvelope($"<{sender}>", recipients.Length == 0 ? ["<b@example.test>"] : recipients));
    }

    private sealed class CapturingSink : IHistorySink
    {
        private readonly ConcurrentQueue<HistoryEntry> _entries = new();

        public bool Full { get; set; }

        public int Refused { get; private set; }

        public IReadOnlyList<HistoryEntry> Entries => [.. _entries];

        public bool TryRecord(HistoryEntry entry)
        {
            if (Full)
            {
                Refused++;
                return false;
            }

            _entries.Enqueue(entry);
            return true;
        }
    }
}
