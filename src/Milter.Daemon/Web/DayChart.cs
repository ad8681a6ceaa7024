using System.Globalization;
using System.Text;
using Milter.Reporting.Incoming;

namespace Milter.Daemon.Web;

/// <summary>
/// Pass and fail per day as an inline SVG bar chart: one stacked bar per UTC day of the span (days without reports
/// stay empty, so gaps show), pass below in green, fail above in red, each bar titled with its numbers.
/// </summary>
internal static class DayChart
{
    private const int Height = 160;
    private const int Top = 16;
    private const int Bottom = 20;
    private const int BarWidth = 14;
    private const int Gap = 4;
    private const int Left = 40;

    /// <summary>Writes the chart of <paramref name="days"/> over [<paramref name="first"/>, <paramref name="last"/>].</summary>
    public static void Write(StringBuilder html, IReadOnlyList<DaySummary> days, DateOnly first, DateOnly last)
    {
        var byDay = days.ToDictionary(d => d.Day);
        var count = Math.Max(1, last.DayNumber - first.DayNumber + 1);
        var width = Left + (count * (BarWidth + Gap)) + Gap;
        var max = Math.Max(1, days.Count == 0 ? 0 : days.Max(d => d.Passed + d.Failed));
        const int plot = Height - Top - Bottom;

        html.Append("<svg id=\"daily-chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(Height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(Height).Append("\" data-max=\"").Append(Invariant(max)).Append("\">")
            .Append("<title>Messages passing and failing DMARC per day</title>")
            .Append("<line x1=\"").Append(Left).Append("\" y1=\"").Append(Height - Bottom).Append("\" x2=\"").Append(width).Append("\" y2=\"")
            .Append(Height - Bottom).Append("\" stroke=\"#8a939c\"/>")
            .Append("<text x=\"").Append(Left - 4).Append("\" y=\"").Append(Top + 4).Append("\" text-anchor=\"end\" font-size=\"10\">").Append(Invariant(max)).Append("</text>")
            .Append("<text x=\"").Append(Left - 4).Append("\" y=\"").Append(Height - Bottom).Append("\" text-anchor=\"end\" font-size=\"10\">0</text>");

        for (var i = 0; i < count; i++)
        {
            var day = first.AddDays(i);
            var x = Left + Gap + (i * (BarWidth + Gap));
            var summary = byDay.GetValueOrDefault(day) ?? new DaySummary(day, 0, 0);
            var passHeight = Scale(summary.Passed, max, plot);
            var failHeight = Scale(summary.Failed, max, plot);
            var label = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            html.Append("<g class=\"day\" data-day=\"").Append(label).Append("\" data-passed=\"").Append(Invariant(summary.Passed))
                .Append("\" data-failed=\"").Append(Invariant(summary.Failed)).Append("\"><title>").Append(label).Append(": ")
                .Append(Invariant(summary.Passed)).Append(" passed, ").Append(Invariant(summary.Failed)).Append(" failed</title>");
            Bar(html, "pass", x, Height - Bottom - passHeight, passHeight);
            Bar(html, "fail", x, Height - Bottom - passHeight - failHeight, failHeight);
            html.Append("</g>");
            if (i == 0 || i == count - 1)
            {
                html.Append("<text x=\"").Append(x + (BarWidth / 2)).Append("\" y=\"").Append(Height - 6).Append("\" text-anchor=\"")
                    .Append(i == 0 ? "start" : "end").Append("\" font-size=\"10\">").Append(label).Append("</text>");
            }
        }

        html.Append("</svg>");
    }

    private static int Scale(long value, long max, int plot) =>
        value == 0 ? 0 : Math.Max(1, (int)Math.Round((double)value * plot / max));

    private static void Bar(StringBuilder html, string cssClass, int x, int y, int height) =>
        html.Append("<rect class=\"").Append(cssClass).Append("\" x=\"").Append(x).Append("\" y=\"").Append(y).Append("\" width=\"")
            .Append(BarWidth).Append("\" height=\"").Append(height).Append("\"/>");

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
