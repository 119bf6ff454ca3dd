using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seq2SeqService.Auth;

/// <summary>
/// API keys, the per-key request rate (<see cref="RequestRate"/>, one fixed one-minute window per key) and the
/// per-key character quota, in that order after routing and before the endpoints.
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
        services.AddSingleton<RequestRate>();
    }

    public static void UseApiKeys(this WebApplication app)
    {
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<RequestRateMiddleware>();
        app.UseMiddleware<CharacterQuotaMiddleware>();
    }
}
