using Microsoft.Extensions.Options;
using Seq2SeqService.Options;

namespace Seq2SeqService.Hosting;

/// <summary>
/// What browsers are told about this service: response headers that stop content sniffing, framing and referrer
/// leaks on every answer, and the CORS policy of the translation APIs (<see cref="ServerOptions.Cors"/>).
/// </summary>
public static class BrowserPolicy
{
    /// <summary>The CORS policy the API endpoints name; operator and health endpoints name none.</summary>
    public const string ApiCors = "api";

    // The page and Swagger UI load only their own scripts; Swagger UI (React) writes style attributes and data: images.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void AddBrowserPolicy(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<ServerOptions>>((cors, server) => cors.AddPolicy(ApiCors, policy =>
            {
                var origins = server.Value.CorsOrigins;
                if (origins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. origins]);
                }

                // Keys travel in headers (Authorization, X-API-Key) or the body, never in cookies: no credentials.
                policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Retry-After");
            }));
    }

    public static void UseBrowserPolicy(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return next(context);
        });
        app.UseCors();
    }
}
