using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Seq2SeqService.Errors;

/// <summary>
/// Every error response is problem+json without internals: bad requests that Kestrel or routing reject
/// (oversized body, bad chunking, unknown path, wrong method) keep their 4xx status; anything unexpected is a
/// bare 500 whose exception is logged with its stack trace and the request id the response carries.
/// </summary>
public static partial class ErrorHandling
{
    public static IServiceCollection AddServiceErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.HttpContext, context.ProblemDetails.Status));
        services.AddExceptionHandler<ServiceExceptionHandler>();
        return services;
    }

    public static WebApplication UseServiceErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>The id a problem response carries as <c>traceId</c>, so a client's report finds the log line.</summary>
    public static string RequestId(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    /// <summary>Details for the responses routing produces on its own (no endpoint, method or media type).</summary>
    private static string? DefaultDetail(HttpContext context, int? status) => status switch
    {
        StatusCodes.Status404NotFound => $"There is no endpoint at '{Echo.Truncate(context.Request.Path)}'; see /swagger.",
        StatusCodes.Status405MethodNotAllowed =>
            $"'{Echo.Truncate(context.Request.Method)}' is not allowed on '{Echo.Truncate(context.Request.Path)}'.",
        StatusCodes.Status415UnsupportedMediaType =>
            $"Send the body as application/json (UTF-8); got '{Echo.Truncate(context.Request.ContentType ?? "no Content-Type")}'.",
        _ => null,
    };

    /// <summary>
    /// Since .NET 10 the exception handler middleware no longer logs what a handler handled, so this handler
    /// logs every exception it turns into a 500 itself.
    /// </summary>
    private sealed partial class ServiceExceptionHandler(IProblemDetailsService problems,
        ILogger<ServiceExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = Classify(context, exception);
            if (status == StatusCodes.Status500InternalServerError)
            {
                LogUnhandled(logger, context.Request.Method, context.Request.Path, RequestId(context), exception);
            }
            else
            {
                // A request body that could not be read leaves the connection unusable for another request.
                context.Response.Headers.Connection = "close";
            }

            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
            });
        }

        private static (int Status, string Detail) Classify(HttpContext context, Exception exception)
        {
            switch (exception)
            {
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } bad:
                    return (bad.StatusCode, "The request body is too large.");
                case BadHttpRequestException bad:
                    return (bad.StatusCode, $"The request could not be read: {bad.Message}");
                // Kestrel's own body parsing fails with a plain IOException in some cases (a chunk size that
                // overflows); whatever Kestrel throws while reading a request is about the client's bytes.
                case IOException io when io.TargetSite?.DeclaringType?.Namespace?.StartsWith(
                    "Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true:
                    return (StatusCodes.Status400BadRequest, $"The request could not be read: {io.Message}");
                case OperationCanceledException or IOException when context.RequestAborted.IsCancellationRequested:
                    return (StatusCodes.Status499ClientClosedRequest, "The client closed the request.");
                default:
                    return (StatusCodes.Status500InternalServerError, "An unexpected error occurred; it was logged.");
            }
        }

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}; request {RequestId}")]
        private static partial void LogUnhandled(ILogger logger, string method, string path, string requestId,
            Exception exception);
    }
}
