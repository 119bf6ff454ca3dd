using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Seq2SeqService.Health;
using Seq2SeqService.Scheduling;
using HealthCheckStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus;

namespace Seq2SeqService.Endpoints;

/// <summary>GET /health/live and GET /health/ready, each running the health checks of its tag.</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", LiveAsync)
            .WithName("Live")
            .WithTags("Health")
            .Produces<HealthStatus>();
        app.MapGet("/health/ready", ReadyAsync)
            .WithName("Ready")
            .WithTags("Health")
            .Produces<HealthStatus>()
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>200 while the process is up.</summary>
    public static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> LiveAsync(HealthCheckService checks, CancellationToken cancellation) =>
        Answer(await RunAsync(checks, ServiceHealthChecks.Live, cancellation), "live");

    /// <summary>200 once every model is loaded and has translated a warm-up text; 503 before that and while stopping.</summary>
    public static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> ReadyAsync(HealthCheckService checks, Readiness readiness, CancellationToken cancellation) =>
        Answer(await RunAsync(checks, ServiceHealthChecks.Ready, cancellation), readiness.Status);

    private static Task<HealthReport> RunAsync(HealthCheckService checks, string tag, CancellationToken cancellation) =>
        checks.CheckHealthAsync(registration => registration.Tags.Contains(tag), cancellation);

    private static Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>> Answer(HealthReport report, string status) => report.Status == HealthCheckStatus.Healthy
        ? TypedResults.Ok(new HealthStatus(status))
        : TypedResults.Json(new HealthStatus(status), statusCode: StatusCodes.Status503ServiceUnavailable);
}

/// <summary>A health probe's answer.</summary>
/// <param name="Status" example="ready"><c>live</c>, <c>ready</c>, <c>warming-up</c> or <c>stopping</c>.</param>
public sealed record HealthStatus([property: JsonPropertyName("status")] string Status);
