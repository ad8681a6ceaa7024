using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Milter.Authentication.Dmarc;
using Milter.Reporting.Aggregate;
using Milter.Reporting.Storage;

namespace Milter.Reporting.Outgoing;

/// <summary>
/// Turns one policy domain's history over one period into the aggregate report we send (RFC 9990 section 3): our
/// metadata, the policy we found published, and the rows as the store grouped them.
/// </summary>
public sealed class ReportBuilder
{
    /// <summary>The <c>version</c> element of the reports we write (RFC 9990 section 3.1).</summary>
    public const string ReportVersion = "1.0";

    private readonly ReportingOptions _options;
    private readonly string _discoveryMethod;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">Our <c>org_name</c> and contact address.</param>
    /// <param name="discoveryMethod">The <c>discovery_method</c> of <c>policy_published</c>: <c>psl</c> or <c>treewalk</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="discoveryMethod"/> is neither <c>psl</c> nor <c>treewalk</c>.</exception>
    public ReportBuilder(ReportingOptions options, string discoveryMethod)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (discoveryMethod is not ("psl" or "treewalk"))
        {
            throw new ArgumentException($"'{discoveryMethod}' is not a discovery method (psl or treewalk).", nameof(discoveryMethod));
        }

        _options = options;
        _discoveryMethod = discoveryMethod;
    }

    /// <summary>The <c>generator</c> element: <c>authmilter</c> and its version.</summary>
    public static string Generator { get; } = "authmilter " + ProductVersion();

    /// <summary>The <c>discovery_method</c> keyword for <paramref name="mode"/>.</summary>
    public static string DiscoveryMethod(DmarcDiscoveryMode mode) => mode == DmarcDiscoveryMode.PublicSuffixList ? "psl" : "treewalk";

    /// <summary>
    /// The report id of <paramref name="policyDomain"/>'s report for <paramref name="period"/> from
    /// <paramref name="orgName"/>: the same on every attempt, so a Domain Owner can drop a report it already has
    /// (RFC 9990 section 3.1.1), and different for every domain, period and reporter.
    /// </summary>
    public static string ReportId(string orgName, string policyDomain, ReportPeriod period)
    {
        var key = string.Join('\n', orgName, policyDomain.ToLowerInvariant(), period.Begin.ToUnixTimeSeconds(), period.End.ToUnixTimeSeconds());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
        return string.Create(CultureInfo.InvariantCulture, $"{period.Begin.ToUnixTimeSeconds()}.{hash}");
    }

    /// <summary>The aggregate report of <paramref name="history"/> over <paramref name="period"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> is null.</exception>
    public AggregateReport Build(PeriodHistory history, ReportPeriod period)
    {
        ArgumentNullException.ThrowIfNull(history);
        var metadata = new ReportMetadata(_options.OrgName, _options.Contact, ReportId(_options.OrgName, history.PolicyDomain, period), period.Begin, period.End)
        {
            Generator = Generator,
        };
        return new AggregateReport(metadata, Published(history), history.Records) { Version = ReportVersion };
    }

    private PolicyPublished Published(PeriodHistory history)
    {
        // The store keeps only records that were DMARC records when evaluated; should one no longer parse, the
        // report still names the domain rather than inventing a policy.
        if (!DmarcRecord.TryParse(history.PolicyRecord, out var record))
        {
            return new PolicyPublished(history.PolicyDomain) { DiscoveryMethod = _discoveryMethod };
        }

        return new PolicyPublished(history.PolicyDomain)
        {
            P = Keyword(record.Policy),
            Sp = record.SubdomainPolicy is { } sp ? Keyword(sp) : null,
            Np = record.NonExistentSubdomainPolicy is { } np ? Keyword(np) : null,
            Adkim = record.DkimAlignment == DmarcAlignmentMode.Strict ? "s" : "r",
            Aspf = record.SpfAlignment == DmarcAlignmentMode.Strict ? "s" : "r",
            Fo = record.FailureReportingOptions,
            Testing = record.IsTestingMode ? "y" : "n",
            DiscoveryMethod = _discoveryMethod,
        };
    }

    private static string Keyword(DmarcPolicy policy) => policy switch
    {
        DmarcPolicy.Quarantine => "quarantine",
        DmarcPolicy.Reject => "reject",
        _ => "none",
    };

    private static string ProductVersion()
    {
        var version = typeof(ReportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(ReportBuilder).Assembly.GetName().Version?.ToString()
            ?? "0";

        // The SDK appends "+<commit>" to the informational version; reports carry the release only.
        var plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus];
    }
}
