using Seq2SeqService.Metrics;

namespace Seq2SeqService.Endpoints;

/// <summary>GET /metrics.</summary>
public static class MetricsEndpoints
{
    public static void MapMetricsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", Scrape)
            .WithName("Metrics")
            .WithTags("Health")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");

    /// <summary>The service's metrics in the Prometheus text exposition format.</summary>
    public static IResult Scrape(PrometheusExporter exporter) =>
        Results.Text(exporter.Scrape(), PrometheusText.ContentType);
}
