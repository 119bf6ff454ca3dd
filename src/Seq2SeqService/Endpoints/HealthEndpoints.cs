using System.Text.Json.Serialization;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Endpoints;

/// <summary>GET /health/live and GET /health/ready.</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", Live)
            .WithName("Live")
            .WithTags("Health")
            .Produces<HealthStatus>();
        app.MapGet("/health/ready", Ready)
            .WithName("Ready")
            .WithTags("Health")
            .Produces<HealthStatus>()
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>200 while the process is up.</summary>
    public static HealthStatus Live() => new("live");

    /// <summary>200 once every model is loaded and has translated a warm-up text; 503 before that and while stopping.</summary>
    public static IResult Ready(Readiness readiness) => readiness.IsReady
        ? TypedResults.Ok(new HealthStatus(readiness.Status))
        : TypedResults.Json(new HealthStatus(readiness.Status), statusCode: StatusCodes.Status503ServiceUnavailable);
}

/// <summary>A health probe's answer.</summary>
/// <param name="Status" example="ready"><c>live</c>, <c>ready</c>, <c>warming-up</c> or <c>stopping</c>.</param>
public sealed record HealthStatus([property: JsonPropertyName("status")] string Status);
