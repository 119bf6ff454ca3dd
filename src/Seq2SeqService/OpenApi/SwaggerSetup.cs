using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Seq2SeqService.Options;

namespace Seq2SeqService.OpenApi;

/// <summary>Swagger UI at /swagger and the OpenAPI document at /swagger/v1/swagger.json, from XML comments.</summary>
public static class SwaggerSetup
{
    /// <summary>The native API's document; the compatible APIs have one each beside it.</summary>
    public const string NativeDocument = "v1";

    public static IServiceCollection AddServiceOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc(NativeDocument, new OpenApiInfo
            {
                Title = "Seq2SeqService",
                Version = "v1",
                Description = "Translation with encoder–decoder models exported to ONNX, batched on the CPU. " +
                              "Every error is application/problem+json.",
            });
            swagger.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, "Seq2SeqService.xml"));
        });
        return services;
    }

    public static WebApplication UseServiceOpenApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.Swagger)
        {
            return app;
        }

        app.UseSwagger();
        app.UseSwaggerUI();
        return app;
    }
}
