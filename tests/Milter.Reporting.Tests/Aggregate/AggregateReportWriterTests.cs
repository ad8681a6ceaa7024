using System.Net;
using System.Text;
using System.Xml.Linq;
using Milter.Reporting.Aggregate;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Aggregate;

[TestFixture]
public sealed class AggregateReportWriterTests
{
    private static readonly XNamespace Dmarc = "urn:ietf:params:xml:ns:dmarc-2.0";

    /// <summary>A report using every member the RFC 9990 format carries.</summary>
    internal static AggregateReport FullReport() => new(
        new ReportMetadata("Mail Filter Example", "dmarc-reports@mx.example.net", "mx.example.net-20261121-1",
            new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 23, 59, 59, TimeSpan.Zero))
        {
            ExtraContactInfo = "https://mx.example.net/dmarc",
            Errors = ["rua URI mailto:x@example.org not authorised"],
            Generator = "authmilter 1.0",
        },
        new PolicyPublished("example.com")
        {
            P = "reject", Sp = "quarantine", Np = "reject", Adkim = "s", Aspf = "r", Fo = "1", Testing = "n", DiscoveryMethod = "treewalk",
        },
        [
            new ReportRecord(IPAddress.Parse("192.0.2.10"), 120, new PolicyEvaluated("pass", "pass", "pass"), "example.com")
            {
                EnvelopeFrom = "example.com",
                EnvelopeTo = "example.net",
                Dkim = [new DkimAuthResult("example.com", "s2026", "pass"), new DkimAuthResult("esp.example.org", "k1", "fail") { HumanResult = "signature expired" }],
                Spf = [new SpfAuthResult("example.com", "mfrom", "pass")],
            },
            new ReportRecord(IPAddress.Parse("2001:db8::1"), 3,
                new PolicyEvaluated("none", "fail", "fail")
                {
                    Reasons = [new PolicyOverrideReason("mailing_list", "list.example.org"), new PolicyOverrideReason("local_policy", null)],
                },
                "news.example.com")
            {
                EnvelopeFrom = string.Empty,
                Spf = [new SpfAuthResult("mx.example.org", null, "none")],
            },
            new ReportRecord(IPAddress.Parse("203.0.113.200"), 1, new PolicyEvaluated("reject", "fail", "fail"), "example.com"),
        ])
    {
        Version = "1.0",
    };

    [Test]
    public void Write_FullReport_ValidatesAgainstTheRfc9990Schema()
    {
        var xml = AggregateTestData.Write(FullReport());

        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
    }

    [Test]
    public void Write_MinimalReport_ValidatesAgainstTheRfc9990Schema()
    {
        var xml = AggregateTestData.Write(MinimalReport());

        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
    }

    [TestCase("google-style-rfc7489.xml")]
    [TestCase("outlook-style-rfc7489.xml")]
    [TestCase("yahoo-style-rfc7489.xml")]
    [TestCase("rfc9990-full.xml")]
    [TestCase("missing-optional.xml")]
    [TestCase("deviations.xml")]
    public void Write_EveryReadFixtureRewrittenAsRfc9990_ValidatesAgainstTheSchema(string fixture)
    {
        var report = AggregateTestData.ReadFixture(fixture).Report;
        // RFC 7489's reason types have no RFC 9990 counterpart; "other" with the old type as comment is the nearest.
        report = report with
        {
            Records = [.. report.Records.Select(r => r with
            {
                Evaluated = r.Evaluated with
                {
                    Reasons = [.. r.Evaluated.Reasons.Select(x => x.Type is "forwarded" or "sampled_out" ? new PolicyOverrideReason("other", x.Type) : x)],
                },
            })],
        };

        Assert.That(AggregateTestData.SchemaProblems(AggregateTestData.Write(report)), Is.Empty);
    }

    [Test]
    public void SchemaProblems_InvalidDocument_AreReported()
    {
        var xml = Encoding.UTF8.GetString(AggregateTestData.Write(MinimalReport())).Replace("<p>none</p>", "<p>monitor</p>", StringComparison.Ordinal);
        var wrongNamespace = Encoding.UTF8.GetString(AggregateTestData.Write(MinimalReport())).Replace("dmarc-2.0", "dmarc-9.9", StringComparison.Ordinal);

        Assert.That(AggregateTestData.SchemaProblems(Encoding.UTF8.GetBytes(xml)), Is.Not.Empty);
        Assert.That(AggregateTestData.SchemaProblems(Encoding.UTF8.GetBytes(wrongNamespace)), Is.Not.Empty);
    }

    [Test]
    public void Write_IsUtf8WithoutByteOrderMarkInTheDmarcNamespace()
    {
        var xml = AggregateTestData.Write(MinimalReport());

        Assert.That(xml[..5], Is.EqualTo("<?xml"u8.ToArray()));
        var root = XDocument.Parse(Encoding.UTF8.GetString(xml)).Root!;
        Assert.That(root.Name, Is.EqualTo(Dmarc + "feedback"));
        Assert.That(root.Element(Dmarc + "version")?.Value, Is.EqualTo("1.0"));
    }

    [Test]
    public void Write_ElementsFollowTheRfc9990Order()
    {
        var root = XDocument.Parse(Encoding.UTF8.GetString(AggregateTestData.Write(FullReport()))).Root!;

        Assert.That(Names(root), Is.EqualTo(new[] { "version", "report_metadata", "policy_published", "record", "record", "record" }));
        Assert.That(Names(root.Element(Dmarc + "report_metadata")!),
            Is.EqualTo(new[] { "org_name", "email", "extra_contact_info", "report_id", "date_range", "error", "generator" }));
        Assert.That(Names(root.Element(Dmarc + "policy_published")!),
            Is.EqualTo(new[] { "domain", "discovery_method", "p", "sp", "np", "fo", "adkim", "aspf", "testing" }));
        var record = root.Element(Dmarc + "record")!;
        Assert.That(Names(record), Is.EqualTo(new[] { "row", "identifiers", "auth_results" }));
        Assert.That(Names(record.Element(Dmarc + "row")!), Is.EqualTo(new[] { "source_ip", "count", "policy_evaluated" }));
        Assert.That(Names(record.Element(Dmarc + "identifiers")!), Is.EqualTo(new[] { "header_from", "envelope_from", "envelope_to" }));
        Assert.That(Names(record.Element(Dmarc + "auth_results")!), Is.EqualTo(new[] { "dkim", "dkim", "spf" }));
        Assert.That(Names(record.Element(Dmarc + "auth_results")!.Element(Dmarc + "dkim")!), Is.EqualTo(new[] { "domain", "selector", "result" }));
        var date = root.Element(Dmarc + "report_metadata")!.Element(Dmarc + "date_range")!;
        Assert.That((date.Element(Dmarc + "begin")!.Value, date.Element(Dmarc + "end")!.Value), Is.EqualTo(("1795219200", "1795305599")));
    }

    [Test]
    public void Write_ThenRead_GivesBackTheSameReport()
    {
        var original = FullReport();

        using var stream = new MemoryStream(AggregateTestData.Write(original));
        var (read, warnings) = AggregateReportReader.Read(stream);

        Assert.That(warnings, Is.Empty);
        Assert.That(AggregateTestData.Describe(read), Is.EqualTo(AggregateTestData.Describe(original)));
    }

    [Test]
    public void Write_ThenRead_MinimalReportKeepsItsMissingParts()
    {
        var original = MinimalReport();

        using var stream = new MemoryStream(AggregateTestData.Write(original));
        var read = AggregateReportReader.Read(stream).Report;

        Assert.That(AggregateTestData.Describe(read), Is.EqualTo(AggregateTestData.Describe(original with { Version = "1.0" })));
    }

    [Test]
    public void Write_NoVersion_WritesOnePointZero()
    {
        var root = XDocument.Parse(Encoding.UTF8.GetString(AggregateTestData.Write(MinimalReport() with { Version = null }))).Root!;

        Assert.That(root.Element(Dmarc + "version")!.Value, Is.EqualTo("1.0"));
    }

    [Test]
    public void Write_SeveralErrors_JoinsThemIntoTheOneErrorElementTheSchemaAllows()
    {
        var report = MinimalReport();
        report = report with { Metadata = report.Metadata with { Errors = ["first", "second"] } };

        var xml = AggregateTestData.Write(report);
        var errors = XDocument.Parse(Encoding.UTF8.GetString(xml)).Descendants(Dmarc + "error").Select(e => e.Value);

        Assert.That(errors, Is.EqualTo(new[] { "first; second" }));
        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
    }

    [Test]
    public void Write_HeloAndMfromSpf_WritesOnlyTheMfromResult()
    {
        var report = MinimalReport();
        report = report with
        {
            Records = [report.Records[0] with { Spf = [new SpfAuthResult("mx.example.org", "helo", "pass"), new SpfAuthResult("example.com", "MFROM", "fail")] }],
        };

        var xml = AggregateTestData.Write(report);
        var spf = XDocument.Parse(Encoding.UTF8.GetString(xml)).Descendants(Dmarc + "spf").Where(e => e.Parent!.Name.LocalName == "auth_results").ToList();

        Assert.That(spf.Select(e => (e.Element(Dmarc + "domain")!.Value, e.Element(Dmarc + "scope")!.Value, e.Element(Dmarc + "result")!.Value)),
            Is.EqualTo(new[] { ("example.com", "mfrom", "fail") }));
        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
    }

    [Test]
    public void Write_DkimWithoutSelector_WritesTheRequiredEmptySelector()
    {
        var report = MinimalReport();
        report = report with { Records = [report.Records[0] with { Dkim = [new DkimAuthResult("example.com", null, "pass")] }] };

        var xml = AggregateTestData.Write(report);

        Assert.That(XDocument.Parse(Encoding.UTF8.GetString(xml)).Descendants(Dmarc + "selector").Single().Value, Is.Empty);
        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
    }

    [Test]
    public void Write_UpperCaseKeywords_AreWrittenLowerCase()
    {
        var report = MinimalReport();
        report = report with
        {
            Policy = report.Policy with { P = "Quarantine" },
            Records = [report.Records[0] with { Evaluated = new PolicyEvaluated("NONE", "Pass", "FAIL") }],
        };

        var xml = AggregateTestData.Write(report);

        Assert.That(AggregateTestData.SchemaProblems(xml), Is.Empty);
        var read = AggregateReportReader.Read(new MemoryStream(xml)).Report;
        Assert.That((read.Policy.P, read.Records[0].Evaluated.Disposition, read.Records[0].Evaluated.Dkim, read.Records[0].Evaluated.Spf),
            Is.EqualTo(("quarantine", "none", "pass", "fail")));
    }

    [Test]
    public void Write_PolicyWithoutP_WritesNone()
    {
        var report = MinimalReport();
        report = report with { Policy = new PolicyPublished("example.com") };

        var xml = AggregateTestData.Write(report);

        Assert.That(XDocument.Parse(Encoding.UTF8.GetString(xml)).Descendants(Dmarc + "p").Single().Value, Is.EqualTo("none"));
    }

    [Test]
    public void Write_IPv6WithZone_WritesTheAddressWithoutIt()
    {
        var report = MinimalReport();
        report = report with { Records = [report.Records[0] with { SourceIp = IPAddress.Parse("fe80::1%2") }] };

        var xml = AggregateTestData.Write(report);

        Assert.That(XDocument.Parse(Encoding.UTF8.GetString(xml)).Descendants(Dmarc + "source_ip").Single().Value, Is.EqualTo("fe80::1"));
    }

    [TestCase("forwarded")]
    [TestCase("sampled_out")]
    public void Write_Rfc7489OnlyReasonType_Throws(string type)
    {
        var report = MinimalReport();
        report = report with
        {
            Records = [report.Records[0] with { Evaluated = report.Records[0].Evaluated with { Reasons = [new PolicyOverrideReason(type, null)] } }],
        };

        var ex = Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report));

        Assert.That(ex!.Message, Does.Contain($"'{type}'").And.Contain("record 1"));
    }

    [Test]
    public void Write_UnknownKeywordOrBadVersion_Throws()
    {
        var report = MinimalReport();

        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Policy = report.Policy with { P = "monitor" } }));
        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Policy = report.Policy with { Testing = "yes" } }));
        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Records = [report.Records[0] with { Evaluated = new PolicyEvaluated("none", "", "pass") }] }));
        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Records = [report.Records[0] with { Spf = [new SpfAuthResult("example.com", null, "hardfail")] }] }));
        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Version = "one" }));
    }

    [Test]
    public void Write_NoRecordsOrNegativeCount_Throws()
    {
        var report = MinimalReport();

        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Records = [] }));
        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Records = [report.Records[0].WithCount(-1)] }));
    }

    [Test]
    public void Write_TextXmlCannotCarry_Throws()
    {
        var report = MinimalReport();

        Assert.Throws<ArgumentException>(() => AggregateTestData.Write(report with { Metadata = report.Metadata with { OrgName = "bell\u0007" } }));
    }

    [Test]
    public void Write_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => AggregateReportWriter.Write(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => AggregateReportWriter.Write(MinimalReport(), null!));
    }

    [Test]
    public void Write_LeavesTheStreamOpen()
    {
        using var stream = new MemoryStream();

        AggregateReportWriter.Write(MinimalReport(), stream);

        Assert.That(stream.CanWrite, Is.True);
    }

    private static AggregateReport MinimalReport() => new(
        new ReportMetadata("Mail Filter Example", "dmarc@mx.example.net", "r-1",
            DateTimeOffset.FromUnixTimeSeconds(1795305600), DateTimeOffset.FromUnixTimeSeconds(1795391999)),
        new PolicyPublished("example.com") { P = "none" },
        [new ReportRecord(IPAddress.Parse("198.51.100.7"), 2, new PolicyEvaluated("none", "fail", "pass"), "example.com")]);

    private static string[] Names(XElement element) => [.. element.Elements().Select(e => e.Name.LocalName)];
}
