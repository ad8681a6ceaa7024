using System.Net;
using Milter.Reporting.Aggregate;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Aggregate;

[TestFixture]
public sealed class AggregateReportReaderTests
{
    [Test]
    public void Read_GoogleStyleRfc7489_ReadsMetadataPolicyAndEveryRecord()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("google-style-rfc7489.xml");

        Assert.That(warnings, Is.Empty);
        Assert.That(report.Version, Is.Null);
        var m = report.Metadata;
        Assert.That(m.OrgName, Is.EqualTo("mail.example.net"));
        Assert.That(m.Email, Is.EqualTo("noreply-dmarc-support@example.net"));
        Assert.That(m.ExtraContactInfo, Is.EqualTo("https://support.example.net/dmarc"));
        Assert.That(m.ReportId, Is.EqualTo("4417829036520185377"));
        Assert.That(m.Begin, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(m.End, Is.EqualTo(new DateTimeOffset(2026, 11, 21, 23, 59, 59, TimeSpan.Zero)));
        Assert.That(m.Errors, Is.Empty);
        Assert.That(m.Generator, Is.Null);

        var p = report.Policy;
        Assert.That((p.Domain, p.Adkim, p.Aspf, p.P, p.Sp, p.Pct, p.Np), Is.EqualTo(("example.com", "r", "r", "quarantine", "none", (int?)100, "reject")));
        Assert.That((p.Fo, p.Testing, p.DiscoveryMethod), Is.EqualTo(((string?)null, (string?)null, (string?)null)));

        Assert.That(report.Records, Has.Count.EqualTo(4));
        Assert.That(report.MessageCount, Is.EqualTo(412 + 37 + 3 + 5));

        var first = report.Records[0];
        Assert.That(first.SourceIp, Is.EqualTo(IPAddress.Parse("192.0.2.25")));
        Assert.That(first.Count, Is.EqualTo(412));
        Assert.That((first.Evaluated.Disposition, first.Evaluated.Dkim, first.Evaluated.Spf), Is.EqualTo(("none", "pass", "pass")));
        Assert.That(first.Evaluated.Reasons, Is.Empty);
        Assert.That((first.HeaderFrom, first.EnvelopeFrom, first.EnvelopeTo), Is.EqualTo(("example.com", (string?)null, (string?)null)));
        Assert.That(first.Dkim, Has.Count.EqualTo(1));
        Assert.That((first.Dkim[0].Domain, first.Dkim[0].Selector, first.Dkim[0].Result, first.Dkim[0].HumanResult),
            Is.EqualTo(("example.com", "mail2026", "pass", (string?)null)));
        Assert.That(first.Spf, Has.Count.EqualTo(1));
        Assert.That((first.Spf[0].Domain, first.Spf[0].Scope, first.Spf[0].Result), Is.EqualTo(("example.com", (string?)null, "pass")));

        var second = report.Records[1];
        Assert.That(second.SourceIp, Is.EqualTo(IPAddress.Parse("2001:db8:4860::1a")));
        Assert.That(second.HeaderFrom, Is.EqualTo("news.example.com"));
        Assert.That(second.Dkim.Select(d => (d.Domain, d.Selector, d.Result)),
            Is.EqualTo(new[] { ("example.com", (string?)"mail2026", "pass"), ("esp.example.org", "s1", "pass") }));
        Assert.That(second.Spf.Single().Domain, Is.EqualTo("bounces.esp.example.org"));

        var third = report.Records[2];
        Assert.That((third.Count, third.Evaluated.Disposition, third.Evaluated.Passed), Is.EqualTo((3L, "quarantine", false)));
        Assert.That(third.Dkim, Is.Empty);
        Assert.That((third.Spf.Single().Domain, third.Spf.Single().Result), Is.EqualTo(("203-0-113-77.dyn.example.org", "softfail")));

        var fourth = report.Records[3];
        Assert.That(fourth.Evaluated.Reasons.Select(r => (r.Type, r.Comment)), Is.EqualTo(new[] { ("forwarded", (string?)"looks forwarded") }));
    }

    [Test]
    public void Read_OutlookStyleRfc7489_ReadsVersionEnvelopeToHumanResultAndEverySpfEntry()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("outlook-style-rfc7489.xml");

        Assert.That(warnings, Is.Empty);
        Assert.That(report.Version, Is.EqualTo("1.0"));
        Assert.That((report.Metadata.OrgName, report.Metadata.Email, report.Metadata.ReportId),
            Is.EqualTo(("Enterprise Mail Example", "dmarcreport@example.net", "7c0e94d1a3b84f6e9d2a5b1c0f3e8a27")));
        Assert.That(report.Metadata.Begin.ToUnixTimeSeconds(), Is.EqualTo(1795132800));
        Assert.That(report.Metadata.End.ToUnixTimeSeconds(), Is.EqualTo(1795219200));
        var p = report.Policy;
        Assert.That((p.Adkim, p.Aspf, p.P, p.Sp, p.Pct, p.Fo), Is.EqualTo(("s", "r", "reject", "quarantine", (int?)50, "1")));

        Assert.That(report.Records, Has.Count.EqualTo(2));
        var first = report.Records[0];
        Assert.That((first.EnvelopeTo, first.EnvelopeFrom, first.HeaderFrom), Is.EqualTo(("example.org", "example.com", "example.com")));
        Assert.That((first.Spf.Single().Scope, first.Spf.Single().Result), Is.EqualTo(("mfrom", "pass")));

        var second = report.Records[1];
        Assert.That(second.SourceIp, Is.EqualTo(IPAddress.Parse("203.0.113.9")));
        Assert.That(second.Evaluated.Reasons.Single(), Is.EqualTo(new PolicyOverrideReason("sampled_out", null)));
        Assert.That(second.Dkim.Single(), Is.EqualTo(new DkimAuthResult("example.com", "selector2", "permerror") { HumanResult = "key not found" }));
        Assert.That(second.Spf, Is.EqualTo(new[]
        {
            new SpfAuthResult("mx.example.org", "helo", "neutral"),
            new SpfAuthResult("example.com", "mfrom", "fail"),
        }));
    }

    [Test]
    public void Read_YahooStyleSingleRecord_ReadsTheMinimalFields()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("yahoo-style-rfc7489.xml");

        Assert.That(warnings, Is.Empty);
        Assert.That((report.Metadata.OrgName, report.Metadata.ReportId), Is.EqualTo(("Example Mail Inc.", "1795305600.284519")));
        Assert.That((report.Policy.P, report.Policy.Sp, report.Policy.Pct), Is.EqualTo(("none", (string?)null, (int?)100)));
        var record = report.Records.Single();
        Assert.That((record.SourceIp, record.Count), Is.EqualTo((IPAddress.Parse("192.0.2.140"), 1L)));
        Assert.That(record.Dkim.Single(), Is.EqualTo(new DkimAuthResult("example.com", "yk2026", "pass")));
        Assert.That(record.Spf.Single(), Is.EqualTo(new SpfAuthResult("example.com", null, "pass")));
    }

    [Test]
    public void Read_Rfc9990Namespaced_ReadsNpTestingDiscoveryGeneratorErrorAndReasons()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("rfc9990-full.xml");

        Assert.That(warnings, Is.Empty);
        Assert.That(report.Version, Is.EqualTo("1.0"));
        var m = report.Metadata;
        Assert.That(m.ExtraContactInfo, Is.EqualTo("https://receiver.example.net/postmaster"));
        Assert.That(m.ReportId, Is.EqualTo("rcv-2026-11-21-example.com-0001"));
        Assert.That(m.Errors, Is.EqualTo(new[] { "multiple rua URIs over the size limit; one dropped" }));
        Assert.That(m.Generator, Is.EqualTo("Example DMARC Reporter 3.1"));

        var p = report.Policy;
        Assert.That((p.Domain, p.DiscoveryMethod, p.P, p.Sp, p.Np, p.Fo, p.Adkim, p.Aspf, p.Testing, p.Pct),
            Is.EqualTo(("example.com", "treewalk", "reject", "quarantine", "reject", "1:d", "r", "s", "y", (int?)null)));

        var first = report.Records[0];
        Assert.That(first.Evaluated.Reasons, Is.EqualTo(new[]
        {
            new PolicyOverrideReason("policy_test_mode", "t=y in the policy record"),
            new PolicyOverrideReason("mailing_list", null),
        }));
        Assert.That((first.HeaderFrom, first.EnvelopeFrom, first.EnvelopeTo), Is.EqualTo(("example.com", "lists.example.org", "receiver.example.net")));
        Assert.That(first.Dkim, Is.EqualTo(new[]
        {
            new DkimAuthResult("example.com", "k2026", "fail") { HumanResult = "body hash did not verify" },
            new DkimAuthResult("lists.example.org", "list", "pass"),
        }));
        Assert.That(first.Spf.Single(), Is.EqualTo(new SpfAuthResult("lists.example.org", "mfrom", "pass")));

        var second = report.Records[1];
        Assert.That(second.SourceIp, Is.EqualTo(IPAddress.Parse("2001:db8::25")));
        Assert.That((second.Count, second.Evaluated.Disposition), Is.EqualTo((140L, "pass")));
        Assert.That(second.EnvelopeFrom, Is.Empty, "an empty envelope_from is the null reverse-path, not a missing element");
    }

    [Test]
    public void Read_MissingOptionalFields_LeavesThemNull()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("missing-optional.xml");

        Assert.That(warnings, Is.Empty);
        Assert.That(report.Metadata.ExtraContactInfo, Is.Null);
        var p = report.Policy;
        Assert.That((p.P, p.Sp, p.Np, p.Adkim, p.Aspf, p.Fo, p.Testing, p.DiscoveryMethod, p.Pct),
            Is.EqualTo(("none", (string?)null, (string?)null, (string?)null, (string?)null, (string?)null, (string?)null, (string?)null, (int?)null)));
        var record = report.Records.Single();
        Assert.That((record.EnvelopeFrom, record.EnvelopeTo), Is.EqualTo(((string?)null, (string?)null)));
        Assert.That(record.Dkim.Single(), Is.EqualTo(new DkimAuthResult("example.com", null, "pass")));
        Assert.That(record.Spf, Is.Empty);
    }

    [Test]
    public void Read_RealWorldDeviations_NormalisesAndSkipsUnusableRecordsWithWarnings()
    {
        var (report, warnings) = AggregateTestData.ReadFixture("deviations.xml");

        var m = report.Metadata;
        Assert.That((m.OrgName, m.ReportId, m.ExtraContactInfo), Is.EqualTo(("Bendy Receiver", "bendy-7", (string?)null)));
        Assert.That(m.Begin.ToUnixTimeSeconds(), Is.EqualTo(1795219200));
        Assert.That(m.End.ToUnixTimeSeconds(), Is.EqualTo(1795305599));
        var p = report.Policy;
        Assert.That((p.P, p.Sp, p.Adkim, p.Pct), Is.EqualTo(("quarantine", (string?)null, "r", (int?)100)));

        var record = report.Records.Single();
        Assert.That((record.SourceIp, record.Count), Is.EqualTo((IPAddress.Parse("203.0.113.5"), 1024L)));
        Assert.That((record.Evaluated.Disposition, record.Evaluated.Dkim, record.Evaluated.Spf), Is.EqualTo(("quarantine", "fail", "pass")));
        Assert.That(record.Evaluated.Reasons.Single(), Is.EqualTo(new PolicyOverrideReason("local_policy", null)));
        Assert.That(record.Dkim.Single(), Is.EqualTo(new DkimAuthResult("example.com", null, "temperror")));
        Assert.That(record.Spf.Single(), Is.EqualTo(new SpfAuthResult("example.com", "mfrom", "pass")));

        Assert.That(warnings, Is.EqualTo(new[]
        {
            "record 2: source_ip 'unknown' is not an IP address; record skipped.",
            "record 3: count 'lots' is not a whole number of messages; record skipped.",
            "record 4: count '' is not a whole number of messages; record skipped.",
        }));
    }

    [TestCase("1")]
    [TestCase("10.1")]
    [TestCase("0x7f.0.0.1")]
    [TestCase("192.0.2.300")]
    public void Read_SourceIpNotAnAddressLiteral_SkipsTheRecord(string sourceIp)
    {
        var (report, warnings) = AggregateTestData.ReadString(MinimalReport(sourceIp, "3"));

        Assert.That(report.Records, Is.Empty);
        Assert.That(warnings, Is.EqualTo(new[] { $"record 1: source_ip '{sourceIp}' is not an IP address; record skipped." }));
    }

    [TestCase("-1")]
    [TestCase("99999999999999999999")]
    [TestCase("2.5")]
    public void Read_CountNotAWholeNumber_SkipsTheRecord(string count)
    {
        var (report, warnings) = AggregateTestData.ReadString(MinimalReport("192.0.2.1", count));

        Assert.That(report.Records, Is.Empty);
        Assert.That(warnings, Has.Count.EqualTo(1).And.One.StartsWith("record 1: count"));
    }

    [Test]
    public void Read_RecordWithoutHeaderFromOrEvaluation_IsSkippedWithAWarning()
    {
        var xml = MinimalReport("192.0.2.1", "1")
            .Replace("<header_from>example.com</header_from>", "", StringComparison.Ordinal);

        var (report, warnings) = AggregateTestData.ReadString(xml);

        Assert.That(report.Records, Is.Empty);
        Assert.That(warnings, Is.EqualTo(new[] { "record 1: identifiers has no header_from; record skipped." }));
    }

    [Test]
    public void Read_AuthResultsWithoutDomainOrResult_SkipsThoseResultsOnly()
    {
        var xml = MinimalReport("192.0.2.1", "1").Replace(
            "<auth_results/>",
            "<auth_results><dkim><selector>s</selector><result>pass</result></dkim><spf><domain>example.com</domain></spf></auth_results>",
            StringComparison.Ordinal);

        var (report, warnings) = AggregateTestData.ReadString(xml);

        var record = report.Records.Single();
        Assert.That((record.Dkim.Count, record.Spf.Count), Is.EqualTo((0, 0)));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "record 1: a DKIM result lacks domain or result; skipped.",
            "record 1: an SPF result lacks domain or result; skipped.",
        }));
    }

    [Test]
    public void Read_PctOutOfRange_IsLeftOutWithAWarning()
    {
        var xml = MinimalReport("192.0.2.1", "1").Replace("<p>none</p>", "<p>none</p><pct>250</pct>", StringComparison.Ordinal);

        var (report, warnings) = AggregateTestData.ReadString(xml);

        Assert.That(report.Policy.Pct, Is.Null);
        Assert.That(warnings, Is.EqualTo(new[] { "policy_published: pct '250' is not 0 to 100; left out." }));
    }

    [Test]
    public void Read_NoOrgNameOrEmail_ReadsThemEmptyWithWarnings()
    {
        var xml = MinimalReport("192.0.2.1", "1")
            .Replace("<org_name>r</org_name>", "", StringComparison.Ordinal)
            .Replace("<email>r@example.net</email>", "<email/>", StringComparison.Ordinal);

        var (report, warnings) = AggregateTestData.ReadString(xml);

        Assert.That((report.Metadata.OrgName, report.Metadata.Email), Is.EqualTo(("", "")));
        Assert.That(warnings, Is.EqualTo(new[] { "report_metadata: no org_name; read as empty.", "report_metadata: no email; read as empty." }));
    }

    [Test]
    public void Read_NoRecords_GivesAnEmptyReport()
    {
        var xml = MinimalReport("192.0.2.1", "1");
        xml = xml[..xml.IndexOf("<record>", StringComparison.Ordinal)] + "</feedback>";

        var (report, warnings) = AggregateTestData.ReadString(xml);

        Assert.That((report.Records.Count, warnings.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Read_BomAndWhitespaceLongerThanOneBuffer_AreSkipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(Enumerable.Repeat((byte)'\n', 5000))
            .Concat(System.Text.Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>" + MinimalReport("192.0.2.1", "1")))
            .ToArray();

        var result = AggregateReportReader.Read(new TrickleStream(bytes));

        Assert.That(result.Report.Records.Single().SourceIp, Is.EqualTo(IPAddress.Parse("192.0.2.1")));
    }

    [Test]
    public void Read_LeavesTheStreamOpen()
    {
        using var stream = File.OpenRead(AggregateTestData.PathOf("yahoo-style-rfc7489.xml"));

        AggregateReportReader.Read(stream);

        Assert.That(stream.CanRead, Is.True);
    }

    internal static string MinimalReport(string sourceIp, string count) => $"""
        <feedback>
          <report_metadata>
            <org_name>r</org_name><email>r@example.net</email><report_id>id-1</report_id>
            <date_range><begin>1795219200</begin><end>1795305599</end></date_range>
          </report_metadata>
          <policy_published><domain>example.com</domain><p>none</p></policy_published>
          <record>
            <row>
              <source_ip>{sourceIp}</source_ip><count>{count}</count>
              <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated>
            </row>
            <identifiers><header_from>example.com</header_from></identifiers>
            <auth_results/>
          </record>
        </feedback>
        """;

    /// <summary>Hands out one byte a read, as a slow network stream may.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}
