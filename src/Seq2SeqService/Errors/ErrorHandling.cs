using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Seq2SeqService.Errors;

/// <summary>
/// Every error response is problem+json without internals: bad requests that Kestrel or routing reject
/// (oversized body, unknown path, wrong method) keep their status; anything unexpected is a bare 500.
/// </summary>
public static class ErrorHandling
{
    public static IServiceCollection AddServiceErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.HttpContext, context.ProblemDetails.Status));
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    public static WebApplication UseServiceErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Details for the responses routing produces on its own (no endpoint, method or media type).</summary>
    private static string? DefaultDetail(HttpContext context, int? status) => status switch
    {
        StatusCodes.Status404NotFound => $"There is no endpoint at '{context.Request.Path}'; see /swagger.",
        StatusCodes.Status405MethodNotAllowed => $"'{context.Request.Method}' is not allowed on '{context.Request.Path}'.",
        StatusCodes.Status415UnsupportedMediaType =>
            $"Send the body as application/json (UTF-8); got '{context.Request.ContentType ?? "no Content-Type"}'.",
        _ => null,
    };

    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    (StatusCodes.Status413PayloadTooLarge, "The request body is too large."),
                BadHttpRequestException bad => (bad.StatusCode, "The request could not be read."),
                _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred; it was logged."),
            };
            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
            });
        }
    }
}
