using System.Text;
using Milter.Reporting.Aggregate;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Aggregate;

/// <summary>Documents that are not aggregate reports, or are hostile, end in <see cref="AggregateReportFormatException"/>.</summary>
[TestFixture]
public sealed class AggregateReportReaderRefusalTests
{
    [Test]
    public void Read_BillionLaughsDtd_RefusedBeforeAnyEntityIsExpanded()
    {
        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadFixture("billion-laughs.xml"));

        Assert.That(ex!.Message, Does.Contain("DTD"));
    }

    [Test]
    public void Read_ExternalEntity_RefusedWithoutResolvingIt()
    {
        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadFixture("external-entity.xml"));

        Assert.That(ex!.Message, Does.Contain("DTD"));
        Assert.That(ex.Message, Does.Not.Contain("root:"), "nothing from the referenced file may show up");
    }

    [Test]
    public void Read_WrongRoot_NamesTheRootFound()
    {
        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadFixture("wrong-root.xml"));

        Assert.That(ex!.Message, Does.Contain("<report>").And.Contain("<feedback>"));
    }

    [Test]
    public void Read_TruncatedXml_RefusedAsNotWellFormed()
    {
        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadFixture("truncated.xml"));

        Assert.That(ex!.Message, Does.StartWith("The document is not well-formed XML"));
        Assert.That(ex.InnerException, Is.InstanceOf<System.Xml.XmlException>());
    }

    [TestCase("")]
    [TestCase("   \r\n ")]
    [TestCase("not xml at all")]
    public void Read_NoXml_RefusedAsNotWellFormed(string text)
    {
        Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadString(text));
    }

    [TestCase("<report_id>id-1</report_id>", "", "<report_id>")]
    [TestCase("<domain>example.com</domain>", "", "<domain>")]
    [TestCase("<domain>example.com</domain>", "<domain>  </domain>", "<domain>")]
    [TestCase("<begin>1795219200</begin>", "<begin>yesterday</begin>", "<begin>")]
    [TestCase("<end>1795305599</end>", "", "<end>")]
    public void Read_ReportWithoutARequiredPart_RefusedNamingIt(string part, string replacement, string named)
    {
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1").Replace(part, replacement, StringComparison.Ordinal);

        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadString(xml));

        Assert.That(ex!.Message, Does.Contain(named));
    }

    [TestCase("report_metadata")]
    [TestCase("policy_published")]
    public void Read_ReportWithoutASection_RefusedNamingIt(string section)
    {
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1");
        var start = xml.IndexOf($"<{section}>", StringComparison.Ordinal);
        var end = xml.IndexOf($"</{section}>", StringComparison.Ordinal) + section.Length + 3;
        xml = xml[..start] + xml[end..];

        var ex = Assert.Throws<AggregateReportFormatException>(() => AggregateTestData.ReadString(xml));

        Assert.That(ex!.Message, Does.Contain($"<{section}>"));
    }

    [Test]
    public void Read_DocumentAtTheCharacterLimit_IsRead()
    {
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1");

        var result = AggregateTestData.ReadString(xml, new AggregateReadOptions { MaxCharactersInDocument = xml.Length });

        Assert.That(result.Report.Records, Has.Count.EqualTo(1));
    }

    [Test]
    public void Read_DocumentOverTheCharacterLimit_Refused()
    {
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1");

        var ex = Assert.Throws<AggregateReportFormatException>(
            () => AggregateTestData.ReadString(xml, new AggregateReadOptions { MaxCharactersInDocument = xml.Length - 1 }));

        Assert.That(ex!.Message, Does.Contain($"limit of {xml.Length - 1} characters"));
    }

    [Test]
    public void Read_LeadingWhitespaceOverTheCharacterLimit_Refused()
    {
        var xml = new string(' ', 100) + AggregateReportReaderTests.MinimalReport("192.0.2.1", "1");

        var ex = Assert.Throws<AggregateReportFormatException>(
            () => AggregateTestData.ReadString(xml, new AggregateReadOptions { MaxCharactersInDocument = 50 }));

        Assert.That(ex!.Message, Does.Contain("limit of 50 characters"));
    }

    [Test]
    public void Read_Utf16WithByteOrderMark_IsRead()
    {
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1").Replace("<feedback>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><feedback>", StringComparison.Ordinal);
        using var stream = new MemoryStream([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(xml)]);

        var result = AggregateReportReader.Read(stream);

        Assert.That(result.Report.Metadata.ReportId, Is.EqualTo("id-1"));
    }

    [Test]
    public void Read_Windows1252Declared_DecodesTheDeclaredEncoding()
    {
        // Older receivers still declare windows-1252, which .NET only knows once the code-page provider is registered.
        var xml = AggregateReportReaderTests.MinimalReport("192.0.2.1", "1")
            .Replace("<feedback>", "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<feedback>", StringComparison.Ordinal)
            .Replace("<org_name>r</org_name>", "<org_name>Soci\u00e9t\u00e9 \u20ac</org_name>", StringComparison.Ordinal);
        byte[] bytes = [.. xml.Select(c => c switch { '\u00e9' => (byte)0xE9, '\u20ac' => (byte)0x80, _ => (byte)c })];

        var result = AggregateReportReader.Read(new MemoryStream(bytes));

        Assert.That(result.Report.Metadata.OrgName, Is.EqualTo("Soci\u00e9t\u00e9 \u20ac"));
    }

    [Test]
    public void Read_NullStream_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => AggregateReportReader.Read(null!));
    }
}
