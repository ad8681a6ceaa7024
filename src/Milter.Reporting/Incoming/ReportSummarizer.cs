using System.Net;
using Milter.Reporting.Aggregate;

namespace Milter.Reporting.Incoming;

/// <summary>
/// Turns aggregate reports others sent us into one <see cref="DomainSummary"/> per policy domain: what
/// <c>authmilter report summary</c> prints and the dashboard shows. Pure: no clock, no I/O.
/// </summary>
public static class ReportSummarizer
{
    /// <summary>
    /// Summarizes the reports whose period overlaps [<paramref name="from"/>, <paramref name="to"/>), grouped by
    /// <c>policy_published/domain</c> (case-insensitive, printed lower-case), domains in alphabetical order. A report
    /// seen twice (same reporter, report id and domain) counts once. Counts are messages: compliant means DMARC pass
    /// (aligned DKIM or SPF pass in <c>policy_evaluated</c>), quarantined and rejected follow the disposition applied,
    /// SPF and DKIM pass and fail are the aligned results in <c>policy_evaluated</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public static IReadOnlyList<DomainSummary> Summarize(IEnumerable<AggregateReport> reports, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (to < from)
        {
            throw new ArgumentException($"the span ends ({to:O}) before it begins ({from:O})", nameof(to));
        }

        return reports
            .Where(r => r.Metadata.End > from && r.Metadata.Begin < to)
            .DistinctBy(r => (r.Metadata.OrgName.ToLowerInvariant(), r.Metadata.ReportId, r.Policy.Domain.ToLowerInvariant()))
            .GroupBy(r => r.Policy.Domain.TrimEnd('.').ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Summarize(g.Key, [.. g], from, to))
            .ToList();
    }

    private static DomainSummary Summarize(string domain, IReadOnlyList<AggregateReport> reports, DateTimeOffset from, DateTimeOffset to)
    {
        var records = reports.SelectMany(r => r.Records).ToList();
        return new DomainSummary(domain, from, to)
        {
            Messages = records.Sum(r => r.Count),
            Compliant = records.Where(Passed).Sum(r => r.Count),
            Quarantined = records.Where(r => Is(r.Evaluated.Disposition, "quarantine")).Sum(r => r.Count),
            Rejected = records.Where(r => Is(r.Evaluated.Disposition, "reject")).Sum(r => r.Count),
            SpfPass = records.Where(r => Is(r.Evaluated.Spf, "pass")).Sum(r => r.Count),
            SpfFail = records.Where(r => Is(r.Evaluated.Spf, "fail")).Sum(r => r.Count),
            DkimPass = records.Where(r => Is(r.Evaluated.Dkim, "pass")).Sum(r => r.Count),
            DkimFail = records.Where(r => Is(r.Evaluated.Dkim, "fail")).Sum(r => r.Count),
            Sources = Sources(records),
            Reporters = Reporters(reports),
            Days = Days(reports),
            Reports = [.. reports
                .OrderBy(r => r.Metadata.Begin)
                .ThenBy(r => r.Metadata.OrgName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(r => r.Metadata.ReportId, StringComparer.Ordinal)
                .Select(r => new ReportListing(r.Metadata.OrgName, r.Metadata.ReportId, r.Metadata.Begin, r.Metadata.End, r.MessageCount))],
        };
    }

    private static List<SourceSummary> Sources(List<ReportRecord> records) => records
        .GroupBy(r => Normalize(r.SourceIp))
        .Select(g => new SourceSummary(g.Key, g.Sum(r => r.Count), g.Where(Passed).Sum(r => r.Count)))
        .OrderByDescending(s => s.Messages)
        .ThenBy(s => s.Address.AddressFamily)
        .ThenBy(s => s.Address.GetAddressBytes(), ByteOrder.Instance)
        .ToList();

    private static List<ReporterSummary> Reporters(IReadOnlyList<AggregateReport> reports) => reports
        .GroupBy(r => r.Metadata.OrgName, StringComparer.OrdinalIgnoreCase)
        .Select(g => new ReporterSummary(
            g.Key,
            g.MaxBy(r => r.Metadata.End)!.Metadata.Email,
            g.Count(),
            g.Sum(r => r.MessageCount)))
        .OrderByDescending(r => r.Messages)
        .ThenBy(r => r.OrgName, StringComparer.OrdinalIgnoreCase)
        .ToList();

    private static List<DaySummary> Days(IReadOnlyList<AggregateReport> reports) => reports
        .GroupBy(r => DateOnly.FromDateTime(r.Metadata.Begin.UtcDateTime))
        .Select(g =>
        {
            var records = g.SelectMany(r => r.Records).ToList();
            var passed = records.Where(Passed).Sum(r => r.Count);
            return new DaySummary(g.Key, passed, records.Sum(r => r.Count) - passed);
        })
        .OrderBy(d => d.Day)
        .ToList();

    // Reports are compared case-insensitively: RFC 9990 keywords are lower-case, but not every reporter writes them so.
    private static bool Passed(ReportRecord record) => Is(record.Evaluated.Dkim, "pass") || Is(record.Evaluated.Spf, "pass");

    private static bool Is(string value, string keyword) => string.Equals(value, keyword, StringComparison.OrdinalIgnoreCase);

    // One sender reported as 192.0.2.1 by one receiver and ::ffff:192.0.2.1 by another is one source.
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
