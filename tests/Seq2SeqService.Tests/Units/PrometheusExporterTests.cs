using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Metrics;

namespace Seq2SeqService.Tests.Units;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Counter_gets_total_suffix_help_type_and_sums_per_label_set()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        var counter = Factory.Create("test").CreateCounter<long>("app.requests", "{request}", "Requests served.");
        counter.Add(2, new KeyValuePair<string, object?>("status", 200));
        counter.Add(3, new KeyValuePair<string, object?>("status", 200));
        counter.Add(1, new KeyValuePair<string, object?>("status", 503));

        var text = exporter.Scrape();

        text.Should().Contain("# HELP app_requests_total Requests served.\n")
            .And.Contain("# TYPE app_requests_total counter\n")
            .And.Contain("app_requests_total{status=\"200\"} 5\n")
            .And.Contain("app_requests_total{status=\"503\"} 1\n");
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_inf_sum_and_count()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        var histogram = Factory.Create("test").CreateHistogram("app.latency", "s", "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        foreach (var value in new[] { 0.05, 0.5, 0.7, 3.0 })
        {
            histogram.Record(value);
        }

        var lines = exporter.Scrape().Split('\n');

        lines.Should().ContainInOrder(
            "# TYPE app_latency_seconds histogram",
            "app_latency_seconds_bucket{le=\"0.1\"} 1",
            "app_latency_seconds_bucket{le=\"1\"} 3",
            "app_latency_seconds_bucket{le=\"+Inf\"} 4",
            "app_latency_seconds_sum 4.25",
            "app_latency_seconds_count 4");
    }

    [Fact]
    public void Histogram_labels_come_before_le()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        var histogram = Factory.Create("test").CreateHistogram("app.batch.size", "{sequence}", "Batch sizes.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2] });
        histogram.Record(2, new KeyValuePair<string, object?>("model", "m"));

        exporter.Scrape().Should().Contain("app_batch_size_bucket{model=\"m\",le=\"1\"} 0\n")
            .And.Contain("app_batch_size_bucket{model=\"m\",le=\"2\"} 1\n")
            .And.Contain("app_batch_size_count{model=\"m\"} 1\n");
    }

    [Fact]
    public void Label_values_and_help_are_escaped()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        var counter = Factory.Create("test").CreateCounter<int>("app.odd", null, "Back\\slash and\nnewline.");
        counter.Add(1, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));

        var text = exporter.Scrape();

        text.Should().Contain("# HELP app_odd_total Back\\\\slash and\\nnewline.\n")
            .And.Contain("app_odd_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    [Fact]
    public void Observable_gauge_reports_the_value_at_scrape_time()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        var depth = 3;
        Factory.Create("test").CreateObservableGauge("app.queue.depth", () => depth, "{request}", "Depth.");

        exporter.Scrape().Should().Contain("# TYPE app_queue_depth gauge\napp_queue_depth 3\n");
        depth = 7;
        exporter.Scrape().Should().Contain("app_queue_depth 7\n");
    }

    [Fact]
    public void Meters_of_another_factory_or_name_are_ignored()
    {
        using var exporter = new PrometheusExporter(Factory, "test");
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        otherServices.GetRequiredService<IMeterFactory>().Create("test").CreateCounter<int>("other.factory").Add(1);
        Factory.Create("other").CreateCounter<int>("other.name").Add(1);

        exporter.Scrape().Should().NotContain("other_");
    }

    [Theory]
    [InlineData("seq2seq.queue.wait", "s", false, "seq2seq_queue_wait_seconds")]
    [InlineData("seq2seq.generated.tokens", "{token}", true, "seq2seq_generated_tokens_total")]
    [InlineData("a-b c", null, false, "a_b_c")]
    public void Metric_names_follow_prometheus_conventions(string instrument, string? unit, bool counter, string expected) =>
        PrometheusText.MetricName(instrument, unit, counter).Should().Be(expected);
}
