using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Auth;
using Seq2SeqService.Catalog;
using Seq2SeqService.Documents;
using Seq2SeqService.Endpoints;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;
using Seq2SeqService.Health;
using Seq2SeqService.Logging;
using Seq2SeqService.Metrics;
using Seq2SeqService.OpenApi;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Hosting;

/// <summary>Wires the stages together: options, translation service, queue, scheduler, catalog, metrics, errors, endpoints.</summary>
public static class ServiceSetup
{
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(4);

    public static void AddSeq2SeqService(this WebApplicationBuilder builder)
    {
        AddShippedSettingsFallback(builder);
        var services = builder.Services;
        AddValidatedOptions<ModelsOptions>(builder, ModelsOptions.Section, OptionsRules.Models);
        AddValidatedOptions<BatchingOptions>(builder, BatchingOptions.Section, OptionsRules.Batching);
        AddValidatedOptions<QueueOptions>(builder, QueueOptions.Section, OptionsRules.Queue);
        AddValidatedOptions<RequestLimitsOptions>(builder, RequestLimitsOptions.Section, OptionsRules.Limits);
        AddValidatedOptions<LoggingOptions>(builder, LoggingOptions.Section, OptionsRules.Logging);
        AddValidatedOptions<ServerOptions>(builder, ServerOptions.Section, OptionsRules.Server);
        AddValidatedOptions<DocumentOptions>(builder, DocumentOptions.Section, OptionsRules.Documents);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>, IOptions<ServerOptions>>(
            (kestrel, limits, server) =>
            {
                kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
                kestrel.Limits.MaxConcurrentConnections = server.Value.MaxConcurrentConnections;
                kestrel.AddServerHeader = false;
                kestrel.ConfigureEndpointDefaults(listen => listen.UseProblemBodies());
            });
        // The drain runs first within the host's stop; the margin lets the server write the drained responses
        // and close its connections, and bounds the whole stop (a slow client cannot hold it for the default 30 s).
        services.AddOptions<HostOptions>().Configure<IOptions<BatchingOptions>>((host, batching) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(batching.Value.DrainTimeoutSeconds) + ShutdownMargin);

        services.AddSingleton<RequestQueue>();
        services.AddSingleton<IJobSource>(sp => sp.GetRequiredService<RequestQueue>());
        services.AddSingleton<IQueueDepth>(sp => sp.GetRequiredService<RequestQueue>());
        services.AddSingleton<Readiness>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<IModelCatalog, BundleCatalog>();
        services.AddSingleton<IBatchModels>(sp => sp.GetRequiredService<IModelCatalog>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TranslationService>();
        services.AddHostedService<BatchScheduler>();
        services.AddHostedService<IdleMemoryRelease>();
        services.AddDocuments();
        services.AddServiceHealthChecks();
        services.AddServiceErrors();
        services.AddServiceOpenApi();
        builder.AddServiceTelemetry();
        builder.AddApiKeys();
        services.AddCompatibleApis();
        services.AddBrowserPolicy();
    }

    public static void UseSeq2SeqService(this WebApplication app)
    {
        app.UseServiceRequestLogging();
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseServiceErrors();
        // Before the key check: a CORS preflight carries no key and is answered here.
        app.UseBrowserPolicy();
        app.UseApiKeys();
        app.UseMiddleware<OperatorAccess>();
        app.UseWebPage();
        app.UseServiceOpenApi();
        var api = app.MapGroup("").RequireCors(BrowserPolicy.ApiCors);
        api.MapGroup("").RequireApiKey(NativeDialect.Translation).MapTranslateEndpoints();
        api.MapGroup("").RequireApiKey(NativeDialect.Unbilled).MapTokenizeEndpoints();
        api.MapDocumentEndpoints();
        api.MapCompatibleApis();
        api.MapModelsEndpoints();
        app.MapHealthEndpoints();
        if (app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.Metrics)
        {
            app.MapServiceMetrics();
        }
    }

    /// <summary>
    /// Started from a folder without appsettings.json (e.g. <c>dotnet path/to/Seq2SeqService.dll</c>), the app
    /// still gets the settings shipped beside it, at the lowest precedence so environment and command line win.
    /// </summary>
    private static void AddShippedSettingsFallback(WebApplicationBuilder builder)
    {
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")) ||
            !File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))
        {
            return;
        }

        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = "appsettings.json",
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
    }

    private static void AddValidatedOptions<TOptions>(WebApplicationBuilder builder, string section,
        Action<TOptions, SettingChecks> rules)
        where TOptions : class
    {
        builder.Services.AddOptions<TOptions>().Bind(builder.Configuration.GetSection(section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new RulesValidator<TOptions>(section, rules));
    }
}
