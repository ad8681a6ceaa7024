using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Milter.Reporting.Aggregate;

/// <summary>
/// Reads DMARC aggregate reports as receivers send them: RFC 9990 (namespace <c>urn:ietf:params:xml:ns:dmarc-2.0</c>)
/// and RFC 7489 appendix C (no namespace, <c>pct</c>, several <c>spf</c> results), into <see cref="AggregateReport"/>.
/// </summary>
/// <remarks>
/// <para>
/// The XML is parsed without a DTD (a document with one is refused, so no entity is ever expanded), without a resolver
/// (nothing outside the document is fetched) and within <see cref="AggregateReadOptions.MaxCharactersInDocument"/>.
/// </para>
/// <para>
/// Elements are matched by local name alone, ignoring case, so any namespace or prefix (or none) is read; elements the
/// reader does not know are ignored. The encoding the XML declaration names is used, legacy code pages included. Leading whitespace before the XML declaration and a byte order mark are accepted. Text is
/// trimmed; keywords (<c>p</c>, results, scopes, reason types, …) are lower-cased; whitespace inside numbers is
/// removed. An empty optional element counts as missing, except <c>envelope_from</c>, which stays empty (the null
/// reverse-path).
/// </para>
/// <para>
/// A record without a usable source IP, count, disposition, aligned results or <c>header_from</c> is skipped, as is
/// a DKIM or SPF result without a domain or result and a reason without a type; each skip is one line of
/// <see cref="AggregateReadResult.Warnings"/>.
/// </para>
/// </remarks>
public static class AggregateReportReader
{
    private static readonly AggregateReadOptions DefaultOptions = new();

    static AggregateReportReader()
    {
        // Some receivers declare windows-1252 (or another legacy code page), which .NET decodes only with this provider.
        // Registering it is process-wide but only adds encodings; nothing that worked before changes.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Reads one aggregate report from <paramref name="input"/>, which is left open.</summary>
    /// <param name="input">The uncompressed XML document.</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <returns>The report and the warnings about the parts that were skipped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="AggregateReportFormatException">
    /// The document is not well-formed XML, has a DTD, is larger than the limit, has a root other than
    /// <c>feedback</c>, or lacks <c>report_metadata</c>, <c>report_id</c>, a usable <c>date_range</c>,
    /// <c>policy_published</c> or its <c>domain</c>.
    /// </exception>
    public static AggregateReadResult Read(Stream input, AggregateReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= DefaultOptions;

        var root = Load(input, options.MaxCharactersInDocument);
        if (!Is(root, "feedback"))
        {
            throw new AggregateReportFormatException($"The root element is <{root.Name.LocalName}>, not <feedback>: not a DMARC aggregate report.");
        }

        var warnings = new List<string>();
        var metadata = ReadMetadata(Child(root, "report_metadata")
            ?? throw new AggregateReportFormatException("The report has no <report_metadata>."), warnings);
        var policy = ReadPolicy(Child(root, "policy_published")
            ?? throw new AggregateReportFormatException("The report has no <policy_published>."), warnings);

        var records = new List<ReportRecord>();
        var position = 0;
        foreach (var element in Children(root, "record"))
        {
            position++;
            var record = ReadRecord(element, $"record {position}", warnings);
            if (record is not null)
            {
                records.Add(record);
            }
        }

        var report = new AggregateReport(metadata, policy, records) { Version = Text(Child(root, "version")) };
        return new AggregateReadResult(report, warnings);
    }

    private static XElement Load(Stream input, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        try
        {
            using var reader = XmlReader.Create(LeadingWhitespaceStream.Wrap(input, maxCharacters), settings);
            return XDocument.Load(reader).Root
                ?? throw new AggregateReportFormatException("The document has no root element.");
        }
        // XmlException carries no code, only text; these two are told apart by it so the caller learns which limit it was.
        // Should the text ever change, the exception is still an AggregateReportFormatException, only less specific.
        catch (XmlException ex) when (ex.Message.Contains("MaxCharactersInDocument", StringComparison.Ordinal))
        {
            throw new AggregateReportFormatException($"The document is larger than the limit of {maxCharacters} characters.", ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new AggregateReportFormatException("The document has a DTD, which aggregate reports never need; refused so no entity is expanded.", ex);
        }
        catch (XmlException ex)
        {
            throw new AggregateReportFormatException($"The document is not well-formed XML: {ex.Message}", ex);
        }
    }

    private static ReportMetadata ReadMetadata(XElement element, List<string> warnings)
    {
        var reportId = Text(Child(element, "report_id"))
            ?? throw new AggregateReportFormatException("The report has no <report_id>.");
        var range = Child(element, "date_range")
            ?? throw new AggregateReportFormatException("The report has no <date_range>.");
        var begin = Timestamp(range, "begin");
        var end = Timestamp(range, "end");

        var orgName = Text(Child(element, "org_name"));
        if (orgName is null)
        {
            warnings.Add("report_metadata: no org_name; read as empty.");
        }

        var email = Text(Child(element, "email"));
        if (email is null)
        {
            warnings.Add("report_metadata: no email; read as empty.");
        }

        return new ReportMetadata(orgName ?? string.Empty, email ?? string.Empty, reportId, begin, end)
        {
            ExtraContactInfo = Text(Child(element, "extra_contact_info")),
            Errors = [.. Children(element, "error").Select(Text).OfType<string>()],
            Generator = Text(Child(element, "generator")),
        };
    }

    private static DateTimeOffset Timestamp(XElement range, string name)
    {
        var seconds = Number(Child(range, name));
        if (seconds is null || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            throw new AggregateReportFormatException($"The report's <date_range><{name}> is missing or not a number of seconds since 1970.");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds.Value);
    }

    private static PolicyPublished ReadPolicy(XElement element, List<string> warnings)
    {
        var domain = Text(Child(element, "domain"))
            ?? throw new AggregateReportFormatException("The report's <policy_published> has no <domain>.");

        int? pct = null;
        var pctText = Text(Child(element, "pct"));
        if (pctText is not null)
        {
            var value = Number(Child(element, "pct"));
            if (value is >= 0 and <= 100)
            {
                pct = (int)value.Value;
            }
            else
            {
                warnings.Add($"policy_published: pct '{pctText}' is not 0 to 100; left out.");
            }
        }

        return new PolicyPublished(domain)
        {
            P = Keyword(Child(element, "p")),
            Sp = Keyword(Child(element, "sp")),
            Np = Keyword(Child(element, "np")),
            Adkim = Keyword(Child(element, "adkim")),
            Aspf = Keyword(Child(element, "aspf")),
            Fo = Keyword(Child(element, "fo")),
            Testing = Keyword(Child(element, "testing")),
            DiscoveryMethod = Keyword(Child(element, "discovery_method")),
            Pct = pct,
        };
    }

    private static ReportRecord? ReadRecord(XElement element, string where, List<string> warnings)
    {
        var row = Child(element, "row");
        var ipText = Text(Child(row, "source_ip"));
        if (ipText is null || !IPAddress.TryParse(ipText, out var ip) || !IsAddressLiteral(ipText, ip))
        {
            warnings.Add($"{where}: source_ip '{ipText}' is not an IP address; record skipped.");
            return null;
        }

        var count = Number(Child(row, "count"));
        if (count is null or < 0)
        {
            warnings.Add($"{where}: count '{Text(Child(row, "count"))}' is not a whole number of messages; record skipped.");
            return null;
        }

        var evaluatedElement = Child(row, "policy_evaluated");
        var disposition = Keyword(Child(evaluatedElement, "disposition"));
        var alignedDkim = Keyword(Child(evaluatedElement, "dkim"));
        var alignedSpf = Keyword(Child(evaluatedElement, "spf"));
        if (disposition is null || alignedDkim is null || alignedSpf is null)
        {
            warnings.Add($"{where}: policy_evaluated lacks disposition, dkim or spf; record skipped.");
            return null;
        }

        var identifiers = Child(element, "identifiers");
        var headerFrom = Text(Child(identifiers, "header_from"));
        if (headerFrom is null)
        {
            warnings.Add($"{where}: identifiers has no header_from; record skipped.");
            return null;
        }

        var reasons = new List<PolicyOverrideReason>();
        foreach (var reason in Children(evaluatedElement, "reason"))
        {
            var type = Keyword(Child(reason, "type"));
            if (type is null)
            {
                warnings.Add($"{where}: a reason has no type; reason skipped.");
                continue;
            }

            reasons.Add(new PolicyOverrideReason(type, Text(Child(reason, "comment"))));
        }

        var authResults = Child(element, "auth_results");
        return new ReportRecord(ip, count.Value, new PolicyEvaluated(disposition, alignedDkim, alignedSpf) { Reasons = reasons }, headerFrom)
        {
            EnvelopeFrom = Child(identifiers, "envelope_from")?.Value.Trim(),
            EnvelopeTo = Text(Child(identifiers, "envelope_to")),
            Dkim = ReadDkim(authResults, where, warnings),
            Spf = ReadSpf(authResults, where, warnings),
        };
    }

    private static List<DkimAuthResult> ReadDkim(XElement? authResults, string where, List<string> warnings)
    {
        var results = new List<DkimAuthResult>();
        foreach (var dkim in Children(authResults, "dkim"))
        {
            var domain = Text(Child(dkim, "domain"));
            var result = Keyword(Child(dkim, "result"));
            if (domain is null || result is null)
            {
                warnings.Add($"{where}: a DKIM result lacks domain or result; skipped.");
                continue;
            }

            results.Add(new DkimAuthResult(domain, Text(Child(dkim, "selector")), result)
            {
                HumanResult = Text(Child(dkim, "human_result")),
            });
        }

        return results;
    }

    private static List<SpfAuthResult> ReadSpf(XElement? authResults, string where, List<string> warnings)
    {
        var results = new List<SpfAuthResult>();
        foreach (var spf in Children(authResults, "spf"))
        {
            var domain = Text(Child(spf, "domain"));
            var result = Keyword(Child(spf, "result"));
            if (domain is null || result is null)
            {
                warnings.Add($"{where}: an SPF result lacks domain or result; skipped.");
                continue;
            }

            results.Add(new SpfAuthResult(domain, Keyword(Child(spf, "scope")), result));
        }

        return results;
    }

    // IPAddress.TryParse also takes "1", "1.2" and "0x7f.1" (inet_aton forms); a report's source_ip is a dotted quad
    // or an IPv6 literal, so anything else is treated as garbage rather than guessed at.
    private static bool IsAddressLiteral(string text, IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool Is(XElement element, string name) =>
        string.Equals(element.Name.LocalName, name, StringComparison.OrdinalIgnoreCase);

    private static XElement? Child(XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => Is(e, name));

    private static IEnumerable<XElement> Children(XElement? parent, string name) =>
        parent?.Elements().Where(e => Is(e, name)) ?? [];

    private static string? Text(XElement? element)
    {
        var text = element?.Value.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static string? Keyword(XElement? element) => Text(element)?.ToLowerInvariant();

    private static long? Number(XElement? element)
    {
        var text = Text(element);
        if (text is null)
        {
            return null;
        }

        var digits = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
