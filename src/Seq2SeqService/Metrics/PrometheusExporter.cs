using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Seq2SeqService.Metrics;

/// <summary>
/// Listens to the meters of one <see cref="IMeterFactory"/> (so hosts sharing a process do not mix their
/// numbers) and renders what they measured in the Prometheus text format: counters as running sums, gauges
/// as last values, histograms as cumulative buckets with <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 10000];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<Instrument, Series> _series = [];
    private readonly object _lock = new();

    public PrometheusExporter(IMeterFactory meterFactory, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                lock (_lock)
                {
                    _series[instrument] = new Series(instrument, BucketsOf(instrument));
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments, then renders every series.</summary>
    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_lock)
        {
            foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                series.WriteTo(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        lock (_lock)
        {
            if (_series.TryGetValue(instrument, out var series))
            {
                series.Record(labels, value);
            }
        }
    }

    private static double[]? BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets,
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets,
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets,
        _ => null,
    };

    /// <summary>Everything one instrument measured, per label set.</summary>
    private sealed class Series(Instrument instrument, double[]? buckets)
    {
        private readonly Dictionary<string, Point> _points = new(StringComparer.Ordinal);
        private readonly bool _isCounter = IsCounter(instrument);

        public string Name { get; } = PrometheusText.MetricName(instrument.Name, instrument.Unit, IsCounter(instrument));

        public void Record(KeyValuePair<string, string>[] labels, double value)
        {
            var key = PrometheusText.Labels(labels);
            if (!_points.TryGetValue(key, out var point))
            {
                point = new Point(labels, buckets is null ? null : new long[buckets.Length + 1]);
                _points[key] = point;
            }

            if (buckets is not null)
            {
                var bucket = Array.FindIndex(buckets, bound => value <= bound);
                point.BucketCounts![bucket < 0 ? buckets.Length : bucket]++;
                point.Count++;
                point.Sum += value;
            }
            else if (_isCounter)
            {
                point.Sum += value;
            }
            else
            {
                point.Sum = value;
            }
        }

        public void WriteTo(StringBuilder text)
        {
            var type = buckets is not null ? "histogram" : _isCounter ? "counter" : "gauge";
            if (!string.IsNullOrEmpty(instrument.Description))
            {
                text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(instrument.Description)).Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            foreach (var (key, point) in _points.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (buckets is null)
                {
                    text.Append(Name).Append(key).Append(' ').Append(PrometheusText.FormatValue(point.Sum)).Append('\n');
                    continue;
                }

                long cumulative = 0;
                for (var b = 0; b <= buckets.Length; b++)
                {
                    cumulative += point.BucketCounts![b];
                    var le = b < buckets.Length ? PrometheusText.FormatValue(buckets[b]) : "+Inf";
                    var labels = PrometheusText.Labels(point.Labels.Append(new("le", le)));
                    text.Append(Name).Append("_bucket").Append(labels).Append(' ').Append(cumulative).Append('\n');
                }

                text.Append(Name).Append("_sum").Append(key).Append(' ').Append(PrometheusText.FormatValue(point.Sum)).Append('\n');
                text.Append(Name).Append("_count").Append(key).Append(' ').Append(point.Count).Append('\n');
            }
        }
    }

    private static bool IsCounter(Instrument instrument) =>
        instrument.GetType().IsGenericType &&
        instrument.GetType().GetGenericTypeDefinition() is var definition &&
        (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));

    private sealed class Point(KeyValuePair<string, string>[] labels, long[]? bucketCounts)
    {
        public KeyValuePair<string, string>[] Labels { get; } = labels;

        public long[]? BucketCounts { get; } = bucketCounts;

        public long Count { get; set; }

        public double Sum { get; set; }
    }
}
