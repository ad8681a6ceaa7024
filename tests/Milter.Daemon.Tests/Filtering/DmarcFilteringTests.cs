using System.Net;
using System.Text;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Protocol;
using Milter.TestKit;
using Milter.TestKit.Client;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>DMARC through the daemon's handler: SPF and DKIM verdicts, the From domain, the policy, and the action.</summary>
public class DmarcFilteringTests
{
    private const string Helo = "mail.example.org";
    private static readonly IPAddress Permitted = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Stranger = IPAddress.Parse("198.51.100.7");

    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp() => _dns = new InMemoryDnsResolver()
        .AddTxt("example.org", "v=spf1 ip4:192.0.2.0/28 -all")
        .AddTxt("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:dmarc@example.org")
        .AddTxt("quarantined.example", "v=spf1 ip4:192.0.2.0/28 -all")
        .AddTxt("_dmarc.quarantined.example", "v=DMARC1; p=quarantine")
        .AddTxt("relaxed.example", "v=spf1 -all")
        .AddTxt("_dmarc.relaxed.example", "v=DMARC1; p=none")
        .AddTxt("legacy.example", "v=spf1 -all")
        .AddTxt("_dmarc.legacy.example", "v=DMARC1; p=reject; pct=0");

    [Test]
    public async Task EndOfMessage_AlignedSpfPass_PassesAndDelivers()
    {
        var result = await SendAsync(Settings(), "a@example.org", "a@example.org", Permitted);

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(ResultsHeader(result), Is.EqualTo(" mx.test.example; spf=pass smtp.mailfrom=example.org; dmarc=pass (p=reject sp=reject dis=none) header.from=example.org"));
    }

    [Test]
    public async Task EndOfMessage_FailWithRejectPolicy_IsRejectedWith571()
    {
        var result = await SendAsync(Settings(), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for example.org"));
    }

    [Test]
    public async Task EndOfMessage_FailWithRejectPolicyAndOwnText_UsesTheText()
    {
        var result = await SendAsync(Settings("DmarcRejectText Policy of {domain} says no; see https://example.net/why"), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Policy of example.org says no; see https://example.net/why"));
    }

    [Test]
    public async Task EndOfMessage_SlowPolicyLookup_SendsProgressWhileWaiting()
    {
        var slow = new SlowResolver(_dns, "_dmarc.example.org", TimeSpan.FromMilliseconds(700));

        var result = await FilterHarness.SendAsync(Settings("ProgressInterval 200ms"), slow, ParsedEml.Parse(Encoding.ASCII.GetBytes("From: a@example.org\r\n\r\nHi\r\n")), "<a@example.org>", Permitted, Helo);

        Assert.That(result.EndOfMessage!.ProgressCount, Is.GreaterThanOrEqualTo(2));
        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
    }

    [Test]
    public async Task EndOfMessage_FailWithRejectPolicyAndQuarantineAction_IsQuarantined()
    {
        var result = await SendAsync(Settings("DmarcRejectAction quarantine"), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(result.EndOfMessage!.Modifications, Does.Contain(new MilterClientModification.Quarantine("DMARC policy reject for example.org")));
    }

    [Test]
    public async Task EndOfMessage_FailWithQuarantinePolicy_IsQuarantined()
    {
        var result = await SendAsync(Settings(), "a@quarantined.example", "a@quarantined.example", Stranger);

        Assert.That(result.EndOfMessage!.Modifications, Does.Contain(new MilterClientModification.Quarantine("DMARC policy quarantine for quarantined.example")));
        Assert.That(ResultsHeader(result), Does.EndWith("dmarc=fail (p=quarantine sp=quarantine dis=quarantine) header.from=quarantined.example"));
    }

    [Test]
    public async Task EndOfMessage_FailForAnIgnoredDomain_IsReportedNotEnforced()
    {
        var result = await SendAsync(Settings("IgnoreDomains Example.ORG., partner.example"), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(ResultsHeader(result), Does.EndWith("dmarc=fail (p=reject sp=reject dis=reject) header.from=example.org"));
    }

    [Test]
    public async Task EndOfMessage_IgnoredAndEnforcedAuthors_TheEnforcedOneDecides()
    {
        var result = await SendAsync(Settings("IgnoreDomains example.org"), "a@quarantined.example", "a@example.org, b@quarantined.example", Stranger);

        Assert.That(result.EndOfMessage!.Modifications, Does.Contain(new MilterClientModification.Quarantine("DMARC policy quarantine for quarantined.example")));
    }

    [TestCase("yes", "quarantine")]
    [TestCase("no", "reject")]
    public async Task EndOfMessage_Pct0Record_FollowsDmarcHonorPct(string honor, string expected)
    {
        var result = await SendAsync(Settings($"DmarcHonorPct {honor}"), "a@legacy.example", "a@legacy.example", Stranger);

        Assert.That(expected == "reject" ? result.Reply.Text : result.EndOfMessage!.Modifications.OfType<MilterClientModification.Quarantine>().Single().Reason,
            Does.Contain("legacy.example"));
        Assert.That(result.Reply.Code, Is.EqualTo(expected == "reject" ? MilterReplyCode.ReplyCode : MilterReplyCode.Continue));
    }

    [Test]
    public async Task EndOfMessage_OverridesFile_ReplacesThePublishedPolicyForFailingMail()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file, ["# local policy", "Relaxed.Example.  reject", "example.org none"]);
        try
        {
            var strict = await SendAsync(Settings($"DmarcOverrides {file}"), "a@relaxed.example", "a@relaxed.example", Stranger);
            var lenient = await SendAsync(Settings($"DmarcOverrides {file}"), "a@example.org", "a@example.org", Stranger);

            Assert.That(strict.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for relaxed.example"));
            Assert.That(lenient.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Settings_MalformedOverridesFile_NamesConfigAndOverridesLine()
    {
        var file = Path.GetTempFileName();
        File.WriteAllLines(file, ["example.org reject", "example.net maybe"]);
        try
        {
            var exception = Assert.Throws<ConfigurationException>(() => MilterConfigFile.Parse("test.conf", [$"DmarcOverrides {file}"]))!;

            Assert.That(exception.Message, Is.EqualTo($"test.conf:1: DmarcOverrides: {file}:2: 'example.net maybe' is not 'domain none|quarantine|reject'."));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task EndOfMessage_FailInHeaderMode_IsOnlyReported()
    {
        var result = await SendAsync(Settings("DmarcMode header"), "a@example.org", "a@example.org", Stranger);

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(ResultsHeader(result), Does.EndWith("dmarc=fail (p=reject sp=reject dis=reject) header.from=example.org"));
        Assert.That(result.EndOfMessage!.Modifications.OfType<MilterClientModification.Quarantine>(), Is.Empty);
    }

    [Test]
    public async Task EndOfMessage_SpfPassForAnotherDomain_IsNotAligned()
    {
        var result = await SendAsync(Settings(), "bounce@quarantined.example", "a@example.org", Permitted);

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for example.org"));
    }

    [Test]
    public async Task EndOfMessage_SecondFromDomainWithWeakerPolicy_DoesNotWeakenTheStrictest()
    {
        var result = await SendAsync(Settings(), "a@relaxed.example", "a@relaxed.example, b@example.org", Stranger);

        Assert.That(result.Reply.Text, Is.EqualTo("550 5.7.26 Rejected by DMARC policy for example.org"));
    }

    [Test]
    public async Task EndOfMessage_SeveralAuthorsWithRejectMultiValueFrom_IsRejected()
    {
        var result = await SendAsync(Settings("RejectMultiValueFrom yes"), "a@example.org", "a@example.org, b@example.org", Permitted);

        Assert.That(result.Reply.Text, Does.StartWith("550 5.7.1 message has several From authors"));
    }

    [TestCase("no", null)]
    [TestCase("yes", "451 4.4.3 DMARC check for broken.example failed temporarily; try again later")]
    public async Task EndOfMessage_PolicyLookupTimesOut_FollowsDmarcTempfailOnError(string tempfail, string? reply)
    {
        _dns.AddTemporaryError("_dmarc.broken.example");

        var result = await SendAsync(Settings($"DmarcTempfailOnError {tempfail}"), "a@example.org", "a@broken.example", Stranger);

        Assert.That(result.Reply.Text, Is.EqualTo(reply));
        Assert.That(ResultsHeader(result), Does.Contain("dmarc=temperror"));
    }

    [Test]
    public async Task EndOfMessage_SignedByTheAuthorDomain_PassesThroughDkimAlone()
    {
        foreach (var line in File.ReadAllLines(RepositoryPaths.SharedTestData("dkim", "rfc8463", "dns.txt")))
        {
            _dns.AddTxt(line[..line.IndexOf(' ')], line[(line.IndexOf(' ') + 1)..]);
        }

        _dns.AddTxt("_dmarc.football.example.com", "v=DMARC1; p=reject; adkim=s");
        var message = File.ReadAllText(RepositoryPaths.SharedTestData("dkim", "rfc8463", "signed-message.eml")).ReplaceLineEndings("\r\n");

        var result = await FilterHarness.SendAsync(Settings(), _dns, ParsedEml.Parse(Encoding.ASCII.GetBytes(message)), "<>", Stranger, "unknown.example");

        Assert.That(result.Reply.Code, Is.EqualTo(MilterReplyCode.Continue));
        Assert.That(ResultsHeader(result), Does.EndWith("dmarc=pass (p=reject sp=reject dis=none) header.from=football.example.com"));
    }

    private static MilterSettings Settings(params string[] lines) => FilterHarness.Settings(["SpfIgnoreHelo yes", "IprevCheck no", "ArcVerify no", .. lines]);

    private static string ResultsHeader(MilterTransactionResult result) =>
        result.EndOfMessage!.Modifications.OfType<MilterClientModification.InsertHeader>().Single(m => m.Name == "Authentication-Results").Value
            .Replace("; dkim=none", string.Empty, StringComparison.Ordinal);

    private Task<MilterTransactionResult> SendAsync(MilterSettings settings, string sender, string from, IPAddress client)
    {
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes($"From: {from}\r\nSubject: dmarc\r\n\r\nHello\r\n"));
        return FilterHarness.SendAsync(settings, _dns, message, $"<{sender}>", client, Helo);
    }

    private sealed class SlowResolver(IDnsResolver inner, string slowName, TimeSpan delay) : IDnsResolver
    {
        public async ValueTask<DnsResponse<string>> QueryTxtAsync(string name, CancellationToken cancellationToken)
        {
            if (name == slowName)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return await inner.QueryTxtAsync(name, cancellationToken);
        }

        public ValueTask<DnsResponse<IPAddress>> QueryAAsync(string name, CancellationToken cancellationToken) => inner.QueryAAsync(name, cancellationToken);

        public ValueTask<DnsResponse<IPAddress>> QueryAaaaAsync(string name, CancellationToken cancellationToken) => inner.QueryAaaaAsync(name, cancellationToken);

        public ValueTask<DnsResponse<MxRecord>> QueryMxAsync(string name, CancellationToken cancellationToken) => inner.QueryMxAsync(name, cancellationToken);

        public ValueTask<DnsResponse<string>> QueryPtrAsync(IPAddress address, CancellationToken cancellationToken) => inner.QueryPtrAsync(address, cancellationToken);
    }
}
