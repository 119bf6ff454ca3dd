using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Seq2SeqService.Errors;
using Seq2SeqService.Options;

namespace Seq2SeqService.Hosting;

/// <summary>
/// With <c>Service:Server:OperatorKey</c> set, the operator's pages (/swagger, /metrics) answer 401 unless the
/// request carries <c>Authorization: Bearer</c> that key (what Prometheus sends with its <c>authorization</c> setting).
/// A key of its own rather than the clients' API keys: whoever may translate need not see every key holder's
/// usage in /metrics, and the pages can be closed on a service open to all.
/// </summary>
public sealed class OperatorAccess(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly byte[]? _key = options.Value.OperatorKey is { } key ? Encoding.UTF8.GetBytes(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_key is null || !IsOperatorPath(context.Request.Path) || Presents(context.Request.Headers.Authorization))
        {
            await next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
            "This page needs the operator key: send 'Authorization: Bearer <key>'.").ExecuteAsync(context);
    }

    private static bool IsOperatorPath(PathString path) =>
        path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);

    private bool Presents(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()), _key);
    }
}
