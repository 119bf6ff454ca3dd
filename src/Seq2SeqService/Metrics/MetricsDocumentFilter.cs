using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Seq2SeqService.OpenApi;
using Seq2SeqService.Options;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Seq2SeqService.Metrics;

/// <summary>
/// Describes GET /metrics in the native API's OpenAPI document when the service serves it: the OpenTelemetry
/// exporter maps it as a plain request pipeline, which the API explorer does not see.
/// </summary>
internal sealed class MetricsDocumentFilter(IOptions<ServerOptions> server) : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (!server.Value.Metrics || context.DocumentName != SwaggerSetup.NativeDocument)
        {
            return;
        }

        var operation = new OpenApiOperation
        {
            OperationId = "Metrics",
            Summary = "The service's metrics in the Prometheus text exposition format.",
            Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "OK",
                    Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() },
                },
            },
        };
        var path = new OpenApiPathItem();
        path.AddOperation(HttpMethod.Get, operation);
        document.Paths[TelemetrySetup.MetricsPath] = path;
    }
}
