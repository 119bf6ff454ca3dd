using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Endpoints.DeepL;
using Seq2SeqService.Endpoints.LibreTranslate;
using Seq2SeqService.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using Swashbuckle.AspNetCore.SwaggerUI;

namespace Seq2SeqService.Endpoints;

/// <summary>
/// The LibreTranslate- and DeepL-compatible APIs: their services, the shared-route policy for POST /translate,
/// their endpoints, and one OpenAPI document each (wired here, above their folders, so the shared parts in
/// Compatible/ never refer to the APIs built on them) beside the native one (POST /translate is in two documents,
/// one operation per API, which a single document could not hold).
/// </summary>
public static class CompatibleApisSetup
{
    public static IServiceCollection AddCompatibleApis(this IServiceCollection services)
    {
        services.AddSingleton<LanguagePairs>();
        services.AddSingleton<CompatibleTranslator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, SharedTranslateRoutePolicy>());
        services.Configure<SwaggerGenOptions>(swagger =>
        {
            swagger.SwaggerDoc(LibreTranslateEndpoints.Group, new OpenApiInfo
            {
                Title = "Seq2SeqService — LibreTranslate-compatible API",
                Version = "v1",
                Description = "LibreTranslate's endpoints at the service root. Errors are {\"error\": \"...\"}. " +
                              "With API keys configured, send api_key.",
            });
            swagger.SwaggerDoc(DeepLEndpoints.Group, new OpenApiInfo
            {
                Title = "Seq2SeqService — DeepL-compatible API",
                Version = "v2",
                Description = "DeepL API v2 endpoints. Errors are {\"message\": \"...\"} (456: character quota). " +
                              "With API keys configured, send 'Authorization: DeepL-Auth-Key <key>'.",
            });
            swagger.DocInclusionPredicate((document, api) =>
                api.GroupName is null ? document == SwaggerSetup.NativeDocument : api.GroupName == document);
        });
        services.Configure<SwaggerUIOptions>(ui => ui.ConfigObject.Urls =
        [
            new UrlDescriptor { Name = "Seq2SeqService", Url = $"{SwaggerSetup.NativeDocument}/swagger.json" },
            new UrlDescriptor { Name = "LibreTranslate-compatible", Url = $"{LibreTranslateEndpoints.Group}/swagger.json" },
            new UrlDescriptor { Name = "DeepL-compatible", Url = $"{DeepLEndpoints.Group}/swagger.json" },
        ]);
        return services;
    }

    public static void MapCompatibleApis(this IEndpointRouteBuilder app)
    {
        app.MapLibreTranslateEndpoints();
        app.MapLibreTranslateFileEndpoints();
        app.MapDeepLEndpoints();
        app.MapDeepLDocumentEndpoints();
    }
}
