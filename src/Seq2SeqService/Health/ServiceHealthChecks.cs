using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Health;

/// <summary>
/// The service's ASP.NET Core health checks: the process (tag <c>live</c>), the scheduler's state and one check
/// per loaded model (tag <c>ready</c>). GET /health/live and /health/ready run them by tag.
/// </summary>
public static class ServiceHealthChecks
{
    public const string Live = "live";

    public const string Ready = "ready";

    public static IServiceCollection AddServiceHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy("The process is up."), [Live])
            .AddCheck<SchedulerCheck>("scheduler", tags: [Ready]);
        // The models are known once the catalog has loaded them, so their checks join when the options are built.
        services.AddOptions<HealthCheckServiceOptions>().Configure<IBatchModels>((options, models) =>
        {
            foreach (var model in models.Models)
            {
                options.Registrations.Add(new HealthCheckRegistration($"model:{model.Name}",
                    services => new ModelWarmCheck(model.Name, services.GetRequiredService<Readiness>()),
                    HealthStatus.Unhealthy, [Ready]));
            }
        });
        return services;
    }

    /// <summary>Healthy once the scheduler has warmed every model up, until it starts stopping.</summary>
    private sealed class SchedulerCheck(Readiness readiness) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(readiness.IsReady
                ? HealthCheckResult.Healthy(readiness.Status)
                : new HealthCheckResult(context.Registration.FailureStatus, readiness.Status));
    }

    /// <summary>Healthy once this model has translated its warm-up text.</summary>
    private sealed class ModelWarmCheck(string model, Readiness readiness) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(readiness.IsWarm(model)
                ? HealthCheckResult.Healthy($"'{model}' is warmed up.")
                : new HealthCheckResult(context.Registration.FailureStatus, $"'{model}' has not translated its warm-up text yet."));
    }
}
