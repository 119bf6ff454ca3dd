using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seq2SeqService.Auth;

/// <summary>
/// API keys, the per-key request rate (ASP.NET Core rate limiting, one fixed one-minute window per key) and
/// the per-key character quota, in that order after routing and before the endpoints.
/// </summary>
public static class AuthSetup
{
    public static void AddApiKeys(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<CharacterQuota>();
        services.AddSingleton<UsageMetrics>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(PartitionFor);
            limiter.OnRejected = RejectAsync;
        });
    }

    public static void UseApiKeys(this WebApplication app)
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<CharacterQuotaMiddleware>();
    }

    private static RateLimitPartition<string> PartitionFor(HttpContext context) =>
        ApiCaller.Of(context) is { RequestsPerMinute: > 0 } caller
            ? RateLimitPartition.GetFixedWindowLimiter(caller.Name, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = caller.RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellation)
    {
        var context = rejected.HttpContext;
        context.RequestServices.GetRequiredService<UsageMetrics>().Refused("rate");
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter
            : TimeSpan.FromMinutes(1);
        context.Response.Headers.RetryAfter = RetryAfter.Seconds(wait);
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        if (requirement is not null)
        {
            await requirement.Dialect.TooManyRequests().ExecuteAsync(context);
        }
    }
}
