using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Logging;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// What the three API dialects share: reading the request's fields, counting their characters, and recording
/// what they translated.
/// </summary>
public static class DialectHelpers
{
    public static Task<RequestFields> FieldsAsync(HttpContext context) =>
        RequestFields.ReadAsync(context,
            context.RequestServices.GetRequiredService<IOptions<RequestLimitsOptions>>().Value.MaxRequestBodyBytes);

    /// <summary>Characters (Unicode scalar values, as DeepL bills them) of every value of the named fields.</summary>
    public static async ValueTask<long> CharactersAsync(HttpContext context, params string[] fields)
    {
        if (fields.Length == 0)
        {
            return 0;
        }

        var read = await FieldsAsync(context);
        return fields.SelectMany(read.All).Sum(Characters);
    }

    /// <summary>
    /// Records an answered translation the same way for every API: its API, model, batches and tokens on the request's
    /// log line, its duration by API; returns the duration.
    /// </summary>
    public static TimeSpan Translated(HttpContext context, TranslationResult? result, string api, long arrived)
    {
        if (result is not null)
        {
            var details = RequestLogDetails.For(context);
            details.Api = api;
            details.Model = result.Model;
            details.BatchSizes = result.BatchSizes;
            details.InputTokens = result.Texts.Sum(t => t.InputTokens);
            details.OutputTokens = result.Texts.Sum(t => t.Best.OutputTokens);
        }

        var elapsed = Stopwatch.GetElapsedTime(arrived);
        context.RequestServices.GetRequiredService<ServiceMetrics>().Translated(api, elapsed);
        return elapsed;
    }

    public static long Characters(string text) => text.EnumerateRunes().Count();

    /// <summary>The value after <paramref name="scheme"/> in the Authorization header, or <see langword="null"/>.</summary>
    public static string? AuthorizationCredential(HttpContext context, string scheme)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.Length > scheme.Length + 1 && header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? header[(scheme.Length + 1)..].Trim()
            : null;
    }
}

/// <summary>A result with one extra response header.</summary>
public sealed class WithHeaderResult(IResult inner, string name, string value) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}
