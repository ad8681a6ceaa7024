using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Schema;
using Milter.Reporting.Aggregate;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Aggregate;

/// <summary>The aggregate report fixtures, the RFC 9990 schema check, and a full-text view of a report for comparisons.</summary>
internal static class AggregateTestData
{
    public static string PathOf(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Aggregate", name);

    public static AggregateReadResult ReadFixture(string name, AggregateReadOptions? options = null)
    {
        using var stream = File.OpenRead(PathOf(name));
        return AggregateReportReader.Read(stream, options);
    }

    public static AggregateReadResult ReadString(string xml, AggregateReadOptions? options = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return AggregateReportReader.Read(stream, options);
    }

    public static byte[] Write(AggregateReport report)
    {
        using var stream = new MemoryStream();
        AggregateReportWriter.Write(report, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Every schema error and warning met validating <paramref name="document"/> against the RFC 9990 schema. Warnings
    /// count: an element in the wrong namespace only earns a warning ("no schema information"), not an error.
    /// </summary>
    public static IReadOnlyList<string> SchemaProblems(byte[] document)
    {
        var schemas = new XmlSchemaSet { XmlResolver = null };
        using (var xsd = XmlReader.Create(PathOf("rfc9990-dmarc-2.0.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            schemas.Add(AggregateReportWriter.Namespace, xsd);
        }

        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
            DtdProcessing = DtdProcessing.Prohibit,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(document), settings);
        while (reader.Read())
        {
        }

        return problems;
    }

    /// <summary>
    /// The whole report as text, one member a line, so two reports compare member by member (the model's records hold
    /// lists, which record equality compares by reference) and a difference shows where it is.
    /// </summary>
    public static string Describe(AggregateReport report)
    {
        var text = new StringBuilder();
        var m = report.Metadata;
        text.AppendLine($"version={report.Version}");
        text.AppendLine($"org={m.OrgName} email={m.Email} extra={m.ExtraContactInfo} id={m.ReportId} generator={m.Generator}");
        text.AppendLine($"range={m.Begin.ToUnixTimeSeconds()}..{m.End.ToUnixTimeSeconds()} errors=[{string.Join("|", m.Errors)}]");
        var p = report.Policy;
        text.AppendLine($"policy={p.Domain} p={p.P} sp={p.Sp} np={p.Np} adkim={p.Adkim} aspf={p.Aspf} fo={p.Fo} t={p.Testing} discovery={p.DiscoveryMethod} pct={p.Pct}");
        foreach (var r in report.Records)
        {
            var e = r.Evaluated;
            text.AppendLine(CultureInfo.InvariantCulture, $"record ip={r.SourceIp} count={r.Count} disposition={e.Disposition} dkim={e.Dkim} spf={e.Spf}");
            text.AppendLine($"  from={r.HeaderFrom} envelope_from={Show(r.EnvelopeFrom)} envelope_to={Show(r.EnvelopeTo)}");
            foreach (var reason in e.Reasons)
            {
                text.AppendLine($"  reason {reason.Type} comment={Show(reason.Comment)}");
            }

            foreach (var dkim in r.Dkim)
            {
                text.AppendLine($"  dkim {dkim.Domain} s={Show(dkim.Selector)} {dkim.Result} human={Show(dkim.HumanResult)}");
            }

            foreach (var spf in r.Spf)
            {
                text.AppendLine($"  spf {spf.Domain} scope={Show(spf.Scope)} {spf.Result}");
            }
        }

        return text.ToString();
    }

    private static string Show(string? value) => value is null ? "(null)" : $"'{value}'";
}
