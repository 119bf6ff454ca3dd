using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Seq2SeqService.Hosting;

/// <summary>
/// Once the server listens, sends one GET /health/live to itself over loopback, while the models warm up.
/// The first request through a fresh process pays for the route table, the middleware and the server's
/// connection code (about 0.2 s, docs/scheduling.md); paid here, it is not added to the first probe or client.
/// Best effort: a failure is logged and changes nothing else.
/// </summary>
public sealed partial class PipelineWarmUp(IServer server, IHostApplicationLifetime lifetime, ILogger<PipelineWarmUp> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => SendAsync(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SendAsync(CancellationToken stopping)
    {
        if (Loopback(server.Features.Get<IServerAddressesFeature>()?.Addresses) is not { } address)
        {
            return;
        }

        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await client.GetAsync("health/live", stopping);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            LogFailed(logger, address, e.Message);
        }
    }

    /// <summary>The first plain-HTTP TCP address, with a wildcard host replaced by a loopback address.</summary>
    private static Uri? Loopback(ICollection<string>? addresses)
    {
        var binding = addresses?.Select(BindingAddress.Parse)
            .FirstOrDefault(b => b.Scheme == Uri.UriSchemeHttp && !b.IsUnixPipe && !b.IsNamedPipe);
        if (binding is null)
        {
            return null;
        }

        var host = binding.Host switch
        {
            "+" or "*" or "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            var named => named,
        };
        return new Uri($"http://{host}:{binding.Port}/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up request to {Address} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Uri address, string reason);
}
