using System.Globalization;
using System.Text;

namespace Milter.Daemon.Web;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: per family a <c># HELP</c> and a <c># TYPE</c> line,
/// then its samples, label values escaped.
/// </summary>
internal sealed class PrometheusTextWriter
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>Starts a metric family.</summary>
    /// <param name="name">The family name, already a valid metric name.</param>
    /// <param name="type">counter, gauge or histogram.</param>
    /// <param name="help">The description; backslashes and line breaks are escaped.</param>
    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>Writes one sample.</summary>
    /// <param name="name">The sample name (the family name, or it with <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</param>
    /// <param name="labels">Label pairs, in order; values are escaped here.</param>
    /// <param name="value">The value.</param>
    public void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, double value)
    {
        _text.Append(name);
        if (labels.Count > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Count; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labels[i].Key).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>Writes one sample without labels.</summary>
    public void Sample(string name, double value) => Sample(name, [], value);

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();

    /// <summary>A number as the format spells it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else the shortest round-trip form.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A label value with <c>\</c>, <c>"</c> and line feeds escaped, as the format requires.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>
    /// A metric or label name made valid: characters outside <c>[a-zA-Z0-9_]</c> become <c>_</c> (so
    /// <c>authmilter.message.duration</c> becomes <c>authmilter_message_duration</c>), and a leading digit gets a <c>_</c> before it.
    /// </summary>
    public static string SanitizeName(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
