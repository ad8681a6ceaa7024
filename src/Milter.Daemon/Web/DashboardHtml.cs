using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Milter.Reporting.Incoming;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Web;

/// <summary>
/// The dashboard's pages as self-contained HTML: inline CSS, charts as inline SVG, no script and no external
/// resource, so they work with JavaScript off and behind a strict Content-Security-Policy. Every value from a report
/// or the store is HTML-encoded: aggregate reports come from strangers. Elements carry stable ids, classes and
/// <c>data-*</c> attributes (<c>data-metric</c>, <c>data-domain</c>, <c>data-ip</c>, <c>data-status</c>, <c>data-day</c>)
/// for scripts and tests.
/// </summary>
internal static class DashboardHtml
{
    /// <summary>How many failing source IPs a domain page lists.</summary>
    public const int FailingSourcesShown = 20;

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2329;background:#fff}
        h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
        table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #d5dae0;text-align:left}
        td.num,th.num{text-align:right}
        .metrics{display:flex;flex-wrap:wrap;gap:.6rem}.metric{border:1px solid #d5dae0;border-radius:6px;padding:.5rem .8rem;min-width:7rem}
        .metric .value{display:block;font-size:1.4rem;font-weight:600}.metric .label{color:#56606b;font-size:.85rem}
        .pass{fill:#2e8b57}.fail{fill:#c0392b}.status-sent{color:#2e8b57}.status-pending{color:#b9770e}.status-skipped{color:#56606b}
        .empty{color:#56606b}svg{max-width:100%;height:auto}
        """;

    /// <summary>The overview: every domain with incoming reports, and our outgoing report deliveries.</summary>
    /// <param name="summaries">One summary per domain.</param>
    /// <param name="deliveries">Our deliveries of the span.</param>
    /// <param name="days">The span in days, for the links and the form.</param>
    public static string Index(IReadOnlyList<DomainSummary> summaries, IReadOnlyList<ReportDelivery> deliveries, int days)
    {
        var html = new StringBuilder();
        Begin(html, "DMARC reports", days, "/");
        html.Append("<h2>Reports received</h2>");
        if (summaries.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"no-domains\">No aggregate reports received in this span.</p>");
        }
        else
        {
            html.Append("<table id=\"domains\"><thead><tr><th>Domain</th><th class=\"num\">Messages</th><th class=\"num\">Compliant</th>")
                .Append("<th class=\"num\">Quarantined</th><th class=\"num\">Rejected</th><th class=\"num\">SPF fail</th><th class=\"num\">DKIM fail</th>")
                .Append("<th class=\"num\">Reports</th></tr></thead><tbody>");
            foreach (var summary in summaries.OrderByDescending(s => s.Messages).ThenBy(s => s.Domain, StringComparer.Ordinal))
            {
                html.Append("<tr data-domain=\"").Append(Encode(summary.Domain)).Append("\"><td><a href=\"")
                    .Append(Encode(DomainLink(summary.Domain, days))).Append("\">").Append(Encode(summary.Domain)).Append("</a></td>");
                Cell(html, "messages", summary.Messages);
                html.Append("<td class=\"num\" data-column=\"compliant\">").Append(Number(summary.Compliant))
                    .Append(" (").Append(Percent(summary.Compliant, summary.Messages)).Append(")</td>");
                Cell(html, "quarantined", summary.Quarantined);
                Cell(html, "rejected", summary.Rejected);
                Cell(html, "spf-fail", summary.SpfFail);
                Cell(html, "dkim-fail", summary.DkimFail);
                Cell(html, "reports", summary.Reports.Count);
                html.Append("</tr>");
            }

            html.Append("</tbody></table>");
        }

        Deliveries(html, deliveries);
        return End(html);
    }

    /// <summary>One domain: totals, pass and fail by day, failing sources, reporters, reports, and our deliveries.</summary>
    /// <param name="domain">The domain asked for.</param>
    /// <param name="summary">Its summary; null when no report about it was received in the span.</param>
    /// <param name="deliveries">Our deliveries of the span for this domain.</param>
    /// <param name="days">The span in days.</param>
    /// <param name="from">Start of the span.</param>
    /// <param name="to">End of the span.</param>
    public static string Domain(string domain, DomainSummary? summary, IReadOnlyList<ReportDelivery> deliveries, int days, DateTimeOffset from, DateTimeOffset to)
    {
        var html = new StringBuilder();
        Begin(html, "DMARC reports for " + domain, days, DomainLink(domain, null));
        html.Append("<p><a href=\"").Append(Encode("/?days=" + days.ToString(CultureInfo.InvariantCulture))).Append("\">All domains</a></p>");
        if (summary is null)
        {
            html.Append("<p class=\"empty\" id=\"no-reports\">No aggregate reports about ").Append(Encode(domain)).Append(" received in this span.</p>");
        }
        else
        {
            Totals(html, summary);
            html.Append("<h2>Pass and fail by day</h2>");
            DayChart.Write(html, summary.Days, DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime));
            FailingSources(html, summary.Sources);
            Reporters(html, summary.Reporters);
            Reports(html, summary.Reports);
        }

        Deliveries(html, deliveries);
        return End(html);
    }

    /// <summary>A page for an error: what went wrong, encoded.</summary>
    public static string Error(string title, string message)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title))
            .Append("</title><style>").Append(Style).Append("</style></head><body><h1>").Append(Encode(title))
            .Append("</h1><p id=\"error\">").Append(Encode(message)).Append("</p>");
        return End(html);
    }

    /// <summary>The link to a domain's page, the domain escaped for the path.</summary>
    public static string DomainLink(string domain, int? days) =>
        "/domain/" + Uri.EscapeDataString(domain) + (days is { } d ? "?days=" + d.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>Text made safe for HTML element content and quoted attribute values.</summary>
    public static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    private static void Begin(StringBuilder html, string title, int days, string formAction)
    {
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
            .Append(Encode(title)).Append(" — authmilter</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<h1 id=\"title\">").Append(Encode(title)).Append("</h1>")
            .Append("<form method=\"get\" action=\"").Append(Encode(formAction.Split('?')[0])).Append("\">")
            .Append("<label>Last <input type=\"number\" name=\"days\" id=\"days\" min=\"1\" max=\"").Append(Number(HttpEndpointService.MaxDays))
            .Append("\" value=\"").Append(Number(days)).Append("\"> days</label> <button type=\"submit\">Show</button></form>");
    }

    private static string End(StringBuilder html) => html.Append("</body></html>").ToString();

    private static void Totals(StringBuilder html, DomainSummary summary)
    {
        html.Append("<h2>Totals</h2><div class=\"metrics\" id=\"totals\">");
        Metric(html, "messages", "Messages", summary.Messages);
        Metric(html, "compliant", "Compliant (" + Percent(summary.Compliant, summary.Messages) + ")", summary.Compliant);
        Metric(html, "quarantined", "Quarantined", summary.Quarantined);
        Metric(html, "rejected", "Rejected", summary.Rejected);
        Metric(html, "spf-pass", "SPF pass", summary.SpfPass);
        Metric(html, "spf-fail", "SPF fail", summary.SpfFail);
        Metric(html, "dkim-pass", "DKIM pass", summary.DkimPass);
        Metric(html, "dkim-fail", "DKIM fail", summary.DkimFail);
        html.Append("</div>");
    }

    private static void Metric(StringBuilder html, string key, string label, long value) =>
        html.Append("<div class=\"metric\" data-metric=\"").Append(key).Append("\"><span class=\"value\">").Append(Number(value))
            .Append("</span><span class=\"label\">").Append(Encode(label)).Append("</span></div>");

    private static void FailingSources(StringBuilder html, IReadOnlyList<SourceSummary> sources)
    {
        html.Append("<h2>Top failing sources</h2>");
        var failing = sources.Where(s => s.Failed > 0).OrderByDescending(s => s.Failed).ThenBy(s => s.Address.ToString(), StringComparer.Ordinal)
            .Take(FailingSourcesShown).ToList();
        if (failing.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"no-failing-sources\">No source failed DMARC.</p>");
            return;
        }

        html.Append("<table id=\"failing-sources\"><thead><tr><th>Source IP</th><th class=\"num\">Failed</th><th class=\"num\">Messages</th></tr></thead><tbody>");
        foreach (var source in failing)
        {
            var address = source.Address.ToString();
            html.Append("<tr data-ip=\"").Append(Encode(address)).Append("\"><td class=\"ip\">").Append(Encode(address)).Append("</td>");
            Cell(html, "failed", source.Failed);
            Cell(html, "messages", source.Messages);
            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Reporters(StringBuilder html, IReadOnlyList<ReporterSummary> reporters)
    {
        html.Append("<h2>Reporters</h2><table id=\"reporters\"><thead><tr><th>Organization</th><th>Contact</th><th class=\"num\">Reports</th><th class=\"num\">Messages</th></tr></thead><tbody>");
        foreach (var reporter in reporters)
        {
            html.Append("<tr data-reporter=\"").Append(Encode(reporter.OrgName)).Append("\"><td class=\"org\">").Append(Encode(reporter.OrgName))
                .Append("</td><td class=\"email\">").Append(Encode(reporter.Email)).Append("</td>");
            Cell(html, "reports", reporter.Reports);
            Cell(html, "messages", reporter.Messages);
            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Reports(StringBuilder html, IReadOnlyList<ReportListing> reports)
    {
        html.Append("<h2>Reports</h2><table id=\"reports\"><thead><tr><th>Reporter</th><th>Report id</th><th>Begin</th><th>End</th><th class=\"num\">Messages</th></tr></thead><tbody>");
        foreach (var report in reports)
        {
            html.Append("<tr><td class=\"org\">").Append(Encode(report.OrgName)).Append("</td><td class=\"report-id\">").Append(Encode(report.ReportId))
                .Append("</td><td>").Append(Time(report.Begin)).Append("</td><td>").Append(Time(report.End)).Append("</td>");
            Cell(html, "messages", report.Messages);
            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Deliveries(StringBuilder html, IReadOnlyList<ReportDelivery> deliveries)
    {
        html.Append("<h2>Reports sent</h2>");
        if (deliveries.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"no-deliveries\">No aggregate reports sent in this span.</p>");
            return;
        }

        html.Append("<table id=\"deliveries\"><thead><tr><th>Domain</th><th>Period</th><th>Destination</th><th>Status</th>")
            .Append("<th class=\"num\">Attempts</th><th>Last attempt</th><th>Last error</th></tr></thead><tbody>");
        foreach (var delivery in deliveries)
        {
            var status = delivery.Status.ToString().ToLowerInvariant();
            html.Append("<tr data-domain=\"").Append(Encode(delivery.Domain)).Append("\" data-status=\"").Append(status).Append("\"><td>")
                .Append(Encode(delivery.Domain)).Append("</td><td>").Append(Time(delivery.PeriodBegin)).Append(" – ").Append(Time(delivery.PeriodEnd))
                .Append("</td><td class=\"destination\">").Append(Encode(delivery.Destination)).Append("</td><td class=\"status status-").Append(status)
                .Append("\">").Append(status).Append("</td>");
            Cell(html, "attempts", delivery.Attempts);
            html.Append("<td>").Append(delivery.LastAttempt is { } last ? Time(last) : "").Append("</td><td class=\"last-error\">")
                .Append(Encode(delivery.LastError ?? "")).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Cell(StringBuilder html, string column, long value) =>
        html.Append("<td class=\"num\" data-column=\"").Append(column).Append("\">").Append(Number(value)).Append("</td>");

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "–" : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
