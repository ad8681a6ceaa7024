using Milter.Daemon.Web;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Web;

public class PrometheusTextWriterTests
{
    [Test]
    public void Sample_LabelValueWithQuoteBackslashAndNewline_EscapesAll()
    {
        var writer = new PrometheusTextWriter();
        writer.Family("x_total", "counter", "Help with \\ and\nnewline.");
        writer.Sample("x_total", [new("a", "q\"b\\n\nz")], 3);

        Assert.That(writer.ToString(), Is.EqualTo(
            "# HELP x_total Help with \\\\ and\\nnewline.\n# TYPE x_total counter\nx_total{a=\"q\\\"b\\\\n\\nz\"} 3\n"));
    }

    [TestCase(0.0, "0")]
    [TestCase(0.0025, "0.0025")]
    [TestCase(1e21, "1E+21")]
    [TestCase(double.PositiveInfinity, "+Inf")]
    [TestCase(double.NaN, "NaN")]
    public void FormatValue_Number_SpelledAsTheFormatReads(double value, string expected) =>
        Assert.That(PrometheusTextWriter.FormatValue(value), Is.EqualTo(expected));

    [TestCase("authmilter.message.duration", "authmilter_message_duration")]
    [TestCase("a-b c", "a_b_c")]
    [TestCase("9lives", "_9lives")]
    [TestCase("", "_")]
    public void SanitizeName_InvalidCharacters_BecomeUnderscores(string name, string expected) =>
        Assert.That(PrometheusTextWriter.SanitizeName(name), Is.EqualTo(expected));
}
