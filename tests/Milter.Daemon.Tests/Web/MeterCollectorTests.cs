using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Milter.Daemon.Web;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Web;

public partial class MeterCollectorTests
{
    // A meter name of its own per test, so measurements of the daemon's static meter in other tests never land here.
    private string _meterName = null!;

    [SetUp]
    public void SetUp() => _meterName = "authmilter.test." + Guid.NewGuid().ToString("N");

    [Test]
    public void WriteTo_CounterWithTags_OneSeriesPerTagSetWithTotalSuffix()
    {
        using var collector = new MeterCollector(_meterName);
        using var meter = new Meter(_meterName);
        var results = meter.CreateCounter<long>("authmilter.results", "{result}", "Results by method.");
        results.Add(2, new("method", "dkim"), new("result", "pass"));
        results.Add(1, new("result", "pass"), new("method", "dkim"));
        results.Add(1, new("method", "spf"), new("result", "fail"));

        var text = Scrape(collector);

        Assert.That(text, Is.EqualTo(
            "# HELP authmilter_results_total Results by method.\n# TYPE authmilter_results_total counter\n" +
            "authmilter_results_total{method=\"dkim\",result=\"pass\"} 3\n" +
            "authmilter_results_total{method=\"spf\",result=\"fail\"} 1\n"));
    }

    [Test]
    public void WriteTo_TagValueWithQuote_IsEscaped()
    {
        using var collector = new MeterCollector(_meterName);
        using var meter = new Meter(_meterName);
        meter.CreateCounter<long>("authmilter.messages").Add(1, new KeyValuePair<string, object?>("verdict", "a\"b"));

        Assert.That(Scrape(collector), Does.Contain("authmilter_messages_total{verdict=\"a\\\"b\"} 1\n"));
    }

    [Test]
    public void WriteTo_DurationHistogram_CumulativeBucketsConsistentWithCountAndSum()
    {
        using var collector = new MeterCollector(_meterName);
        using var meter = new Meter(_meterName);
        var duration = meter.CreateHistogram<double>("authmilter.message.duration", "s", "Time per message.");
        double[] values = [0.0005, 0.001, 0.003, 0.2, 0.2, 4, 100];
        foreach (var value in values)
        {
            duration.Record(value);
        }

        var text = Scrape(collector);
        var buckets = BucketPattern().Matches(text)
            .Select(m => (Le: m.Groups[1].Value, Count: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("# TYPE authmilter_message_duration_seconds histogram\n"));
            Assert.That(buckets.Select(b => b.Le), Is.EqualTo(MeterCollector.DurationBuckets
                .Select(b => PrometheusTextWriter.FormatValue(b)).Append("+Inf")));
            Assert.That(buckets.Select(b => b.Count), Is.Ordered, "cumulative");
            Assert.That(buckets.Single(b => b.Le == "0.001").Count, Is.EqualTo(2), "le is inclusive");
            Assert.That(buckets.Single(b => b.Le == "0.005").Count, Is.EqualTo(3));
            Assert.That(buckets.Single(b => b.Le == "0.25").Count, Is.EqualTo(5));
            Assert.That(buckets.Single(b => b.Le == "5").Count, Is.EqualTo(6));
            Assert.That(buckets.Single(b => b.Le == "30").Count, Is.EqualTo(6));
            Assert.That(buckets.Single(b => b.Le == "+Inf").Count, Is.EqualTo(values.Length));
            Assert.That(text, Does.Contain("\nauthmilter_message_duration_seconds_count 7\n"));
            Assert.That(text, Does.Contain("\nauthmilter_message_duration_seconds_sum " + PrometheusTextWriter.FormatValue(values.Sum()) + "\n"));
        });
    }

    [Test]
    public void WriteTo_TwoMetersWithTheSameInstrument_OneFamilyHoldingBoth()
    {
        using var collector = new MeterCollector(_meterName);
        using var first = new Meter(_meterName);
        using var second = new Meter(_meterName);
        first.CreateCounter<long>("authmilter.messages").Add(2, new KeyValuePair<string, object?>("verdict", "accept"));
        second.CreateCounter<long>("authmilter.messages").Add(3, new KeyValuePair<string, object?>("verdict", "accept"));

        var text = Scrape(collector);

        Assert.Multiple(() =>
        {
            Assert.That(Regex.Count(text, "# TYPE authmilter_messages_total "), Is.EqualTo(1));
            Assert.That(text, Does.Contain("authmilter_messages_total{verdict=\"accept\"} 5\n"));
        });
    }

    [Test]
    public void WriteTo_OtherMeter_NotCollected()
    {
        using var collector = new MeterCollector(_meterName);
        using var meter = new Meter(_meterName + ".other");
        meter.CreateCounter<long>("authmilter.messages").Add(1);

        Assert.That(Scrape(collector), Is.Empty);
    }

    [Test]
    public void WriteTo_MeasurementsFromManyThreads_NoneLost()
    {
        using var collector = new MeterCollector(_meterName);
        using var meter = new Meter(_meterName);
        var counter = meter.CreateCounter<long>("authmilter.messages");
        var histogram = meter.CreateHistogram<double>("authmilter.message.duration", "s");

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("verdict", "accept"));
                histogram.Record(0.01);
            }
        });

        var text = Scrape(collector);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("authmilter_messages_total{verdict=\"accept\"} 80000\n"));
            Assert.That(text, Does.Contain("authmilter_message_duration_seconds_count 80000\n"));
        });
    }

    private static string Scrape(MeterCollector collector)
    {
        var writer = new PrometheusTextWriter();
        collector.WriteTo(writer);
        return writer.ToString();
    }

    [GeneratedRegex("^authmilter_message_duration_seconds_bucket\\{le=\"([^\"]+)\"\\} (\\d+)$", RegexOptions.Multiline)]
    private static partial Regex BucketPattern();
}
