using System.Globalization;
using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;

namespace Seq2SeqService.Logging;

/// <summary>Facts an endpoint adds to its request's log line (set through <see cref="HttpContext.Features"/>).</summary>
public sealed class RequestLogDetails
{
    /// <summary>The API that translated (<c>native</c>, <c>libretranslate</c>, <c>deepl</c>): they share a route.</summary>
    public string? Api { get; set; }

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

/// <summary>
/// One log event per answered request (Serilog.AspNetCore's request logging). A translation's API, model, batch
/// sizes and token counts are properties of the event, and also end its message, so the text console shows
/// them on the same line.
/// </summary>
public static class RequestLogging
{
    private const string Template =
        "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms{Translation:l}";

    public static void UseServiceRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = Template;
            options.GetMessageTemplateProperties = MessageProperties;
            options.EnrichDiagnosticContext = Enrich;
            options.GetLevel = Level;
        });

    /// <summary>
    /// Error for a failure of the service (a 5xx or an exception); a 503 is the service refusing work it has no room
    /// or time for, which it does by design under overload and while stopping, so it is a warning: at Error, 4x overload
    /// wrote over 100,000 error lines a minute that were no fault.
    /// </summary>
    private static LogEventLevel Level(HttpContext context, double elapsedMs, Exception? exception) =>
        exception is not null || (context.Response.StatusCode >= 500 && context.Response.StatusCode != StatusCodes.Status503ServiceUnavailable)
            ? LogEventLevel.Error
            : context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable ? LogEventLevel.Warning : LogEventLevel.Information;

    private static void Enrich(IDiagnosticContext diagnostics, HttpContext context)
    {
        if (context.Features.Get<RequestLogDetails>() is not { Model: not null } details)
        {
            return;
        }

        diagnostics.Set("Api", details.Api);
        diagnostics.Set("Model", details.Model);
        diagnostics.Set("BatchSizes", details.BatchSizes ?? []);
        diagnostics.Set("InputTokens", details.InputTokens);
        diagnostics.Set("OutputTokens", details.OutputTokens);
    }

    private static IEnumerable<LogEventProperty> MessageProperties(HttpContext context, string path, double elapsedMs, int statusCode)
    {
        yield return new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method));
        yield return new LogEventProperty("RequestPath", new ScalarValue(path));
        yield return new LogEventProperty("StatusCode", new ScalarValue(statusCode));
        yield return new LogEventProperty("Elapsed", new ScalarValue(elapsedMs));
        var details = context.Features.Get<RequestLogDetails>();
        var translation = details?.Model is null
            ? ""
            : string.Create(CultureInfo.InvariantCulture,
                $"; {details.Api} API, model {details.Model}, batch sizes [{string.Join(", ", details.BatchSizes ?? [])}], tokens {details.InputTokens} in / {details.OutputTokens} out");
        yield return new LogEventProperty("Translation", new ScalarValue(translation));
    }
}
