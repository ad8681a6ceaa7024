using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;

namespace Milter.Reporting.Aggregate;

/// <summary>
/// Writes an <see cref="AggregateReport"/> as an RFC 9990 aggregate report: UTF-8 XML without a byte order mark, root
/// <c>feedback</c> in the <c>urn:ietf:params:xml:ns:dmarc-2.0</c> namespace, elements in the order of the RFC's tables,
/// valid against the RFC's XML schema.
/// </summary>
/// <remarks>
/// Where the model can hold more than the RFC 9990 schema allows, the writer narrows it rather than emit an invalid
/// document: RFC 7489's <c>pct</c> is left out; several <c>error</c> texts (the schema allows one) are joined with
/// <c>"; "</c>; of several SPF results (the schema allows one, for the MAIL FROM identity) the first with scope
/// <c>mfrom</c> or without a scope is written and helo results are left out; a DKIM result without a selector gets an
/// empty <c>selector</c>, which the schema requires; a policy without <c>p</c> is written <c>p=none</c>, what RFC 9989
/// applies when the tag is missing. Keywords (<c>p</c>, results, reason types, …) are written in
/// lower case and must be ones the schema lists; anything else is refused with <see cref="ArgumentException"/>.
/// </remarks>
public static class AggregateReportWriter
{
    /// <summary>The RFC 9990 XML namespace.</summary>
    public const string Namespace = "urn:ietf:params:xml:ns:dmarc-2.0";

    private static readonly string[] Dispositions = ["none", "quarantine", "reject"];
    private static readonly string[] ActionDispositions = ["none", "pass", "quarantine", "reject"];
    private static readonly string[] Alignments = ["r", "s"];
    private static readonly string[] Testing = ["n", "y"];
    private static readonly string[] DiscoveryMethods = ["psl", "treewalk"];
    private static readonly string[] DmarcResults = ["pass", "fail"];
    private static readonly string[] OverrideTypes = ["local_policy", "mailing_list", "other", "policy_test_mode", "trusted_forwarder"];
    private static readonly string[] DkimResults = ["none", "pass", "fail", "policy", "neutral", "temperror", "permerror"];
    private static readonly string[] SpfResults = ["none", "pass", "fail", "softfail", "policy", "neutral", "temperror", "permerror"];

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>, which is left open.</summary>
    /// <param name="report">The report; it must have at least one record (RFC 9990 requires one).</param>
    /// <param name="output">A writable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> or <paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The report has no records, a negative count, a keyword the RFC 9990 schema does not list (for example the RFC 7489
    /// reason <c>forwarded</c>), or text with characters XML cannot carry.
    /// </exception>
    public static void Write(AggregateReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (report.Records.Count == 0)
        {
            throw new ArgumentException("An RFC 9990 report needs at least one record.", nameof(report));
        }

        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            CloseOutput = false,
        };
        using var writer = XmlWriter.Create(output, settings);
        writer.WriteStartDocument();
        writer.WriteStartElement("feedback", Namespace);
        Element(writer, "version", Version(report.Version));
        WriteMetadata(writer, report.Metadata);
        WritePolicy(writer, report.Policy);
        for (var i = 0; i < report.Records.Count; i++)
        {
            WriteRecord(writer, report.Records[i], i + 1);
        }

        writer.WriteEndElement();
        writer.WriteEndDocument();
    }

    private static void WriteMetadata(XmlWriter writer, ReportMetadata metadata)
    {
        writer.WriteStartElement("report_metadata", Namespace);
        Element(writer, "org_name", metadata.OrgName);
        Element(writer, "email", metadata.Email);
        OptionalElement(writer, "extra_contact_info", metadata.ExtraContactInfo);
        Element(writer, "report_id", metadata.ReportId);
        writer.WriteStartElement("date_range", Namespace);
        Element(writer, "begin", metadata.Begin.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Element(writer, "end", metadata.End.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        if (metadata.Errors.Count > 0)
        {
            Element(writer, "error", string.Join("; ", metadata.Errors));
        }

        OptionalElement(writer, "generator", metadata.Generator);
        writer.WriteEndElement();
    }

    private static void WritePolicy(XmlWriter writer, PolicyPublished policy)
    {
        writer.WriteStartElement("policy_published", Namespace);
        Element(writer, "domain", policy.Domain);
        OptionalElement(writer, "discovery_method", Keyword(policy.DiscoveryMethod, DiscoveryMethods, "policy_published/discovery_method"));
        Element(writer, "p", Keyword(policy.P, Dispositions, "policy_published/p") ?? "none");
        OptionalElement(writer, "sp", Keyword(policy.Sp, Dispositions, "policy_published/sp"));
        OptionalElement(writer, "np", Keyword(policy.Np, Dispositions, "policy_published/np"));
        OptionalElement(writer, "fo", policy.Fo);
        OptionalElement(writer, "adkim", Keyword(policy.Adkim, Alignments, "policy_published/adkim"));
        OptionalElement(writer, "aspf", Keyword(policy.Aspf, Alignments, "policy_published/aspf"));
        OptionalElement(writer, "testing", Keyword(policy.Testing, Testing, "policy_published/testing"));
        writer.WriteEndElement();
    }

    private static void WriteRecord(XmlWriter writer, ReportRecord record, int position)
    {
        var where = $"record {position}";
        if (record.Count < 0)
        {
            throw new ArgumentException($"{where}: count {record.Count} is negative.", nameof(record));
        }

        writer.WriteStartElement("record", Namespace);

        writer.WriteStartElement("row", Namespace);
        Element(writer, "source_ip", FormatAddress(record.SourceIp));
        Element(writer, "count", record.Count.ToString(CultureInfo.InvariantCulture));
        writer.WriteStartElement("policy_evaluated", Namespace);
        var evaluated = record.Evaluated;
        Element(writer, "disposition", RequiredKeyword(evaluated.Disposition, ActionDispositions, $"{where}: disposition"));
        Element(writer, "dkim", RequiredKeyword(evaluated.Dkim, DmarcResults, $"{where}: policy_evaluated/dkim"));
        Element(writer, "spf", RequiredKeyword(evaluated.Spf, DmarcResults, $"{where}: policy_evaluated/spf"));
        foreach (var reason in evaluated.Reasons)
        {
            writer.WriteStartElement("reason", Namespace);
            Element(writer, "type", RequiredKeyword(reason.Type, OverrideTypes, $"{where}: reason/type"));
            OptionalElement(writer, "comment", reason.Comment);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();

        writer.WriteStartElement("identifiers", Namespace);
        Element(writer, "header_from", record.HeaderFrom);
        if (record.EnvelopeFrom is not null)
        {
            // Written even when empty: RFC 9990 keeps an empty envelope_from for the null reverse-path.
            Element(writer, "envelope_from", record.EnvelopeFrom);
        }

        OptionalElement(writer, "envelope_to", record.EnvelopeTo);
        writer.WriteEndElement();

        writer.WriteStartElement("auth_results", Namespace);
        foreach (var dkim in record.Dkim)
        {
            writer.WriteStartElement("dkim", Namespace);
            Element(writer, "domain", dkim.Domain);
            Element(writer, "selector", dkim.Selector ?? string.Empty);
            Element(writer, "result", RequiredKeyword(dkim.Result, DkimResults, $"{where}: auth_results/dkim/result"));
            OptionalElement(writer, "human_result", dkim.HumanResult);
            writer.WriteEndElement();
        }

        var spf = record.Spf.FirstOrDefault(s => s.Scope is null || string.Equals(s.Scope, "mfrom", StringComparison.OrdinalIgnoreCase));
        if (spf is not null)
        {
            writer.WriteStartElement("spf", Namespace);
            Element(writer, "domain", spf.Domain);
            OptionalElement(writer, "scope", spf.Scope is null ? null : "mfrom");
            Element(writer, "result", RequiredKeyword(spf.Result, SpfResults, $"{where}: auth_results/spf/result"));
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static string Version(string? version)
    {
        if (version is null)
        {
            return "1.0";
        }

        return decimal.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? version
            : throw new ArgumentException($"version '{version}' is not a decimal number as RFC 9990 requires.", nameof(version));
    }

    private static string FormatAddress(IPAddress address)
    {
        // The schema's IP address forms have no zone index ("%eth0"); it means nothing outside the reporting host.
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        return address.ToString();
    }

    private static string RequiredKeyword(string value, string[] allowed, string what) =>
        Keyword(value, allowed, what) ?? throw new ArgumentException($"{what} is empty; RFC 9990 requires one of: {string.Join(", ", allowed)}.");

    private static string? Keyword(string? value, string[] allowed, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var keyword = value.Trim().ToLowerInvariant();
        return allowed.Contains(keyword)
            ? keyword
            : throw new ArgumentException($"{what} '{value}' is not an RFC 9990 value (one of: {string.Join(", ", allowed)}).");
    }

    private static void Element(XmlWriter writer, string name, string value) =>
        writer.WriteElementString(name, Namespace, value);

    private static void OptionalElement(XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            Element(writer, name, value);
        }
    }
}
