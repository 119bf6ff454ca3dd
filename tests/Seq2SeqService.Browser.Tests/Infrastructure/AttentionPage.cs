using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>
/// Chromium and the service with a model whose translations carry attention: a model of the default
/// configuration that /models marks with <c>"attention": true</c> (the recurrent one first), or, on a service
/// that returns no attention yet, the default model behind <see cref="AttentionStandIn"/>.
/// </summary>
public sealed class AttentionPage : IAsyncLifetime
{
    public Chromium Chromium { get; } = new();

    public PageHost Host { get; private set; } = null!;

    /// <summary>The model the heatmap tests pick in the page's selector.</summary>
    public string ModelName { get; private set; } = "";

    public Task<PageSession> OpenAsync() => PageSession.OpenAsync(Chromium, Host);

    public async Task InitializeAsync()
    {
        await Chromium.InitializeAsync();
        Host = new PageHost();
        var model = await ModelWithAttentionAsync(Host);
        if (model is null)
        {
            await Host.DisposeAsync();
            Host = new PageHost(services: s => s.AddSingleton<IStartupFilter, AttentionStandIn>());
            model = await ModelWithAttentionAsync(Host);
        }

        ModelName = model ?? throw new InvalidOperationException("No model returns attention.");
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Host.DisposeAsync();
    }

    private static async Task<string?> ModelWithAttentionAsync(PageHost host)
    {
        var models = await host.Api.GetFromJsonAsync<JsonElement>("/models");
        return models.GetProperty("models").EnumerateArray()
            .Where(m => m.TryGetProperty("attention", out var attention) && attention.ValueKind == JsonValueKind.True)
            .OrderBy(m => m.TryGetProperty("architecture", out var a) && a.GetString() == "transformer")
            .Select(m => m.GetProperty("name").GetString())
            .FirstOrDefault();
    }
}
