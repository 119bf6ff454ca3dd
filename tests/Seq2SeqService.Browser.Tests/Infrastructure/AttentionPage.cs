using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>Chromium and the service with a model whose translations carry attention.</summary>
public sealed class AttentionPage : IAsyncLifetime
{
    public Chromium Chromium { get; } = new();

    public PageHost Host { get; } = new(services: s => s.AddSingleton<IStartupFilter, AttentionStandIn>());

    /// <summary>The model the heatmap tests pick in the page's selector.</summary>
    public string ModelName => "marian-tatoeba-en-fr";

    public Task<PageSession> OpenAsync() => PageSession.OpenAsync(Chromium, Host);

    public Task InitializeAsync() => Chromium.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Host.DisposeAsync();
    }
}
