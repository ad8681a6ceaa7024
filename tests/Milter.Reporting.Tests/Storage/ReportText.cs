using System.Globalization;
using Milter.Reporting.Aggregate;

namespace Milter.Reporting.Tests.Storage;

/// <summary>
/// Every value of a report or record as text, for comparing what went into a store with what came out: the records
/// hold lists, which compare by reference.
/// </summary>
internal static class ReportText
{
    public static string Of(AggregateReport report)
    {
        var m = report.Metadata;
        var p = report.Policy;
        return string.Join('\n', new[]
        {
            $"version={N(report.Version)}",
            $"metadata={m.OrgName}|{m.Email}|{m.ReportId}|{m.Begin:O}|{m.End:O}|{N(m.ExtraContactInfo)}|{N(m.Generator)}|errors=[{string.Join(";", m.Errors)}]",
            $"policy={p.Domain}|{N(p.P)}|{N(p.Sp)}|{N(p.Np)}|{N(p.Adkim)}|{N(p.Aspf)}|{N(p.Fo)}|{N(p.Testing)}|{N(p.DiscoveryMethod)}|{(p.Pct is { } pct ? pct.ToString(CultureInfo.InvariantCulture) : "<null>")}",
        }.Concat(report.Records.Select(Of)));
    }

    public static string Of(ReportRecord r)
    {
        var e = r.Evaluated;
        return $"record={r.SourceIp}|{r.Count}|{r.HeaderFrom}|{N(r.EnvelopeFrom)}|{N(r.EnvelopeTo)}|{e.Disposition}|{e.Dkim}|{e.Spf}" +
            $"|reasons=[{string.Join(";", e.Reasons.Select(x => $"{x.Type},{N(x.Comment)}"))}]" +
            $"|dkim=[{string.Join(";", r.Dkim.Select(x => $"{x.Domain},{N(x.Selector)},{x.Result},{N(x.HumanResult)}"))}]" +
            $"|spf=[{string.Join(";", r.Spf.Select(x => $"{x.Domain},{N(x.Scope)},{x.Result}"))}]";
    }

    private static string N(string? value) => value ?? "<null>";
}
