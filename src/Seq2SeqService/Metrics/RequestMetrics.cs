using System.Diagnostics;
using Seq2SeqService.Logging;

namespace Seq2SeqService.Metrics;

/// <summary>
/// Counts every answered request by route, API and status code (499 when the client left first), and tags the
/// request's span (ASP.NET Core's own activity) with the model and batch sizes of a translation.
/// </summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, ServiceMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The exception handler clears the endpoint before it answers; a 500 still counts under its route.
        var endpoint = context.GetEndpoint();
        try
        {
            await next(context);
        }
        finally
        {
            var answered = context.GetEndpoint() ?? endpoint;
            var route = (answered as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            // POST /translate is one route for two APIs; the endpoint that answered tells them apart.
            var api = answered?.Metadata.GetMetadata<IEndpointGroupNameMetadata>()?.EndpointGroupName ?? ServiceMetrics.NativeApi;
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
                ? 499
                : context.Response.StatusCode;
            metrics.RequestAnswered(route, api, status);
            if (Activity.Current is { } span && context.Features.Get<RequestLogDetails>() is { Model: not null } details)
            {
                span.SetTag("seq2seq.model", details.Model).SetTag("seq2seq.batch.sizes", details.BatchSizes?.ToArray());
            }
        }
    }
}
