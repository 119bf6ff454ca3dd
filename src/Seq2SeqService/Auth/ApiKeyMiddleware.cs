namespace Seq2SeqService.Auth;

/// <summary>
/// Admits a request to a key-guarded endpoint only with a known key, read and refused the endpoint's API's
/// way, and records who the caller is for the rate limiter and the quota. Open service: every caller is
/// <see cref="ApiCaller.Anonymous"/>. Keys never reach a log: refusals say only whether a key was presented.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyStore store, UsageMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        if (requirement is null)
        {
            await next(context);
            return;
        }

        if (!store.Enabled)
        {
            context.Features.Set(ApiCaller.Anonymous);
            await next(context);
            return;
        }

        var presented = await requirement.Dialect.ReadKeyAsync(context);
        var caller = store.Find(presented);
        if (caller is null)
        {
            metrics.Refused(presented is null ? "missing_key" : "wrong_key");
            await requirement.Dialect.Unauthorized(presented is not null).ExecuteAsync(context);
            return;
        }

        context.Features.Set(caller);
        await next(context);
    }
}
