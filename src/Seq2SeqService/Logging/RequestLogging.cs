using System.Diagnostics;
using Seq2SeqService.Metrics;

namespace Seq2SeqService.Logging;

/// <summary>Facts an endpoint adds to its request's log line (set through <see cref="HttpContext.Features"/>).</summary>
public sealed class RequestLogDetails
{
    public string? Model { get; set; }

    /// <summary>Sizes of the batches that carried the request.</summary>
    public IReadOnlyList<int>? BatchSizes { get; set; }

    public int? InputTokens { get; set; }

    public int? OutputTokens { get; set; }

    public static RequestLogDetails For(HttpContext context)
    {
        var details = context.Features.Get<RequestLogDetails>();
        if (details is null)
        {
            details = new RequestLogDetails();
            context.Features.Set(details);
        }

        return details;
    }
}

/// <summary>One structured log line and one metrics count per request, after it is answered.</summary>
public sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger,
    ServiceMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // The exception handler clears the endpoint before it answers; a 500 still counts under its route.
        var endpoint = context.GetEndpoint();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = ((context.GetEndpoint() ?? endpoint) as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
                ? 499
                : context.Response.StatusCode;
            metrics.RequestAnswered(route, status);
            var details = context.Features.Get<RequestLogDetails>();
            if (details?.Model is null)
            {
                LogRequest(logger, context.Request.Method, context.Request.Path, status, elapsed);
            }
            else
            {
                LogTranslation(logger, context.Request.Method, context.Request.Path, status, elapsed, details.Model,
                    details.BatchSizes ?? [], details.InputTokens, details.OutputTokens);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms; model {Model}, batch sizes {BatchSizes}, tokens {InputTokens} in / {OutputTokens} out")]
    private static partial void LogTranslation(ILogger logger, string method, string path, int statusCode,
        double elapsedMs, string model, IReadOnlyList<int> batchSizes, int? inputTokens, int? outputTokens);
}
