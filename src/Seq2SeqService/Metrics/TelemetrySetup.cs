using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Seq2SeqService.Metrics;

/// <summary>
/// OpenTelemetry for the service's meter and spans: <c>/metrics</c> in the Prometheus text format always;
/// OTLP export of metrics and of traces (a span per request and per batch) when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a signal's own <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> /
/// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set; the other <c>OTEL_*</c> variables (protocol, headers,
/// <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>) apply as the SDK defines them.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    private const string ServiceName = "seq2seq-service";
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    public static void AddServiceTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var otlpMetrics = OtlpConfigured(configuration, "METRICS");
        var otlpTraces = OtlpConfigured(configuration, "TRACES");
        builder.Services.Configure<SwaggerGenOptions>(swagger => swagger.DocumentFilter<MetricsDocumentFilter>());
        var telemetry = builder.Services.AddOpenTelemetry()
            // The environment's service name and attributes win over the built-in name.
            .ConfigureResource(resource => resource.AddService(ServiceName).AddEnvironmentVariableDetector())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceMetrics.MeterName);

                // Listeners see meters of the same name from every host in the process (test hosts run side by
                // side): keep only the instruments of this host's meter factory.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, provider) =>
                {
                    var factory = services.GetRequiredService<IMeterFactory>();
                    provider.AddView(instrument => instrument.Meter.Scope == factory ? null : MetricStreamConfiguration.Drop);
                });
                metrics.AddPrometheusExporter(prometheus =>
                {
                    // Series exactly as the service has always exposed them: no scope labels, no target_info,
                    // and each scrape current (tests and operators read right after acting).
                    prometheus.ScopeInfoEnabled = false;
                    prometheus.TargetInfoEnabled = false;
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                });
                if (otlpMetrics)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlpTraces)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(AspNetCoreSource, ServiceMetrics.MeterName).AddOtlpExporter());
        }
    }

    public static void MapServiceMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath);

    private static bool OtlpConfigured(IConfiguration configuration, string signal) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ||
        !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]);
}
