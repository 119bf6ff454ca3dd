using System.Globalization;

namespace Seq2SeqService.Auth;

/// <summary>
/// Charges the request's characters to its caller's monthly quota before the endpoint runs (refusing it the
/// endpoint's API's way when over), gives them back when the request fails, and counts usage per key.
/// </summary>
public sealed class CharacterQuotaMiddleware(RequestDelegate next, CharacterQuota quota, UsageMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var caller = ApiCaller.Of(context);
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        if (caller is null || requirement is null)
        {
            await next(context);
            return;
        }

        var characters = await requirement.Dialect.BillableCharactersAsync(context);
        if (!quota.TryCharge(caller, characters, out var used))
        {
            metrics.Refused("quota");
            context.Response.Headers.RetryAfter = RetryAfter.Seconds(quota.UntilReset);
            await requirement.Dialect.QuotaExceeded(used, caller.CharactersPerMonth).ExecuteAsync(context);
            return;
        }

        var succeeded = false;
        try
        {
            await next(context);
            succeeded = context.Response.StatusCode < 400;
        }
        finally
        {
            if (succeeded)
            {
                metrics.Charged(caller, characters);
            }
            else
            {
                quota.Refund(caller, characters);
            }

            metrics.Answered(caller, context.Response.StatusCode);
        }
    }
}

/// <summary>The <c>Retry-After</c> header value: whole seconds, rounded up, at least one.</summary>
public static class RetryAfter
{
    public static string Seconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
