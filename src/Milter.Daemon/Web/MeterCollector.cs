using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Milter.Daemon.Web;

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> (by name, <c>authmilter</c> in the daemon) and keeps their
/// totals per tag set for <c>/metrics</c>: counters become Prometheus counters (<c>_total</c>), up-down counters gauges,
/// histograms Prometheus histograms over <see cref="DurationBuckets"/>. Names lose their dots
/// (<c>authmilter.results</c> → <c>authmilter_results_total</c>); a histogram with unit <c>s</c> or a name ending in
/// <c>.duration</c> gets the <c>_seconds</c> suffix. Measurements arrive on any thread.
/// </summary>
internal sealed class MeterCollector : IDisposable
{
    /// <summary>The name of the daemon's meter.</summary>
    public const string DaemonMeterName = "authmilter";

    /// <summary>Upper bounds of the histogram buckets in seconds, 1 ms to 30 s; <c>+Inf</c> follows.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly string _meterName;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    /// <summary>Starts listening; instruments created before and after are both seen.</summary>
    /// <param name="meterName">The meter to listen to.</param>
    public MeterCollector(string meterName = DaemonMeterName)
    {
        _meterName = meterName;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => Record(state, value, tags));
        _listener.Start();
    }

    /// <summary>Writes every family seen so far, sorted by name, each series sorted by its labels.</summary>
    public void WriteTo(PrometheusTextWriter writer)
    {
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.WriteTo(writer);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name != _meterName)
        {
            return;
        }

        var baseName = PrometheusTextWriter.SanitizeName(instrument.Name);
        var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
        Family? candidate = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> =>
                new SumFamily(baseName.EndsWith("_total", StringComparison.Ordinal) ? baseName : baseName + "_total", "counter", help),
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => new SumFamily(baseName, "gauge", help),
            Histogram<long> or Histogram<int> or Histogram<double> => new HistogramFamily(HistogramName(instrument, baseName), help),
            _ => null,
        };
        if (candidate is null)
        {
            return;
        }

        // Two instruments of the same name and kind (a second Meter instance, say) add into one family, since
        // Prometheus allows each name once per scrape; one of the same name but another kind is left out.
        var family = _families.GetOrAdd(candidate.Name, candidate);
        if (family.GetType() == candidate.GetType() && family.Type == candidate.Type)
        {
            listener.EnableMeasurementEvents(instrument, family);
        }
    }

    private static string HistogramName(Instrument instrument, string baseName)
    {
        var seconds = instrument.Unit == "s" || instrument.Name.EndsWith(".duration", StringComparison.Ordinal);
        return seconds && !baseName.EndsWith("_seconds", StringComparison.Ordinal) ? baseName + "_seconds" : baseName;
    }

    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is Family family)
        {
            family.Record(LabelSet.From(tags), value);
        }
    }

    /// <summary>Tags as sorted, sanitized label pairs; the joined text is the series key.</summary>
    private sealed record LabelSet(string Key, KeyValuePair<string, string>[] Pairs)
    {
        public static LabelSet From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return Empty;
            }

            var pairs = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                var value = Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "";
                pairs[i] = new(PrometheusTextWriter.SanitizeName(tags[i].Key), value);
            }

            Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return new LabelSet(string.Join('\u0001', pairs.Select(p => p.Key + "\u0002" + p.Value)), pairs);
        }

        public static LabelSet Empty { get; } = new("", []);
    }

    private abstract class Family(string name, string type, string help)
    {
        public string Name { get; } = name;

        public string Type { get; } = type;

        public abstract void Record(LabelSet labels, double value);

        public void WriteTo(PrometheusTextWriter writer)
        {
            writer.Family(Name, Type, help);
            WriteSamples(writer);
        }

        protected abstract void WriteSamples(PrometheusTextWriter writer);
    }

    private sealed class SumFamily(string name, string type, string help) : Family(name, type, help)
    {
        private readonly ConcurrentDictionary<string, SumSeries> _series = new(StringComparer.Ordinal);

        public override void Record(LabelSet labels, double value)
        {
            var series = _series.GetOrAdd(labels.Key, static (_, l) => new SumSeries(l), labels);
            lock (series)
            {
                series.Value += value;
            }
        }

        protected override void WriteSamples(PrometheusTextWriter writer)
        {
            foreach (var (_, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                double value;
                lock (series)
                {
                    value = series.Value;
                }

                writer.Sample(Name, series.Labels.Pairs, value);
            }
        }
    }

    private sealed class SumSeries(LabelSet labels)
    {
        public LabelSet Labels { get; } = labels;

        public double Value { get; set; }
    }

    private sealed class HistogramFamily(string name, string help) : Family(name, "histogram", help)
    {
        private readonly ConcurrentDictionary<string, HistogramSeries> _series = new(StringComparer.Ordinal);

        public override void Record(LabelSet labels, double value)
        {
            var series = _series.GetOrAdd(labels.Key, static (_, l) => new HistogramSeries(l), labels);
            var bucket = 0;
            while (bucket < DurationBuckets.Count && value > DurationBuckets[bucket])
            {
                bucket++;
            }

            lock (series)
            {
                series.Buckets[bucket]++;
                series.Sum += value;
            }
        }

        protected override void WriteSamples(PrometheusTextWriter writer)
        {
            foreach (var (_, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                long[] buckets;
                double sum;
                lock (series)
                {
                    // One copy under the lock, so the cumulative buckets, _sum and _count of a scrape agree.
                    buckets = (long[])series.Buckets.Clone();
                    sum = series.Sum;
                }

                long cumulative = 0;
                for (var i = 0; i <= DurationBuckets.Count; i++)
                {
                    cumulative += buckets[i];
                    var bound = i < DurationBuckets.Count ? PrometheusTextWriter.FormatValue(DurationBuckets[i]) : "+Inf";
                    writer.Sample(Name + "_bucket", [.. series.Labels.Pairs, new("le", bound)], cumulative);
                }

                writer.Sample(Name + "_sum", series.Labels.Pairs, sum);
                writer.Sample(Name + "_count", series.Labels.Pairs, cumulative);
            }
        }
    }

    private sealed class HistogramSeries(LabelSet labels)
    {
        public LabelSet Labels { get; } = labels;

        public long[] Buckets { get; } = new long[DurationBuckets.Count + 1];

        public double Sum { get; set; }
    }
}
