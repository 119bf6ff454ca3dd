namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>
/// Chromium and the service with its default model (English to French), shared by the tests of the collection.
/// The text limit is lowered so that a person can type past it in a test.
/// </summary>
public sealed class DefaultModelPage : IAsyncLifetime
{
    public const int MaxTextLength = 300;

    public Chromium Chromium { get; } = new();

    public PageHost Host { get; } = new(new Dictionary<string, string?>
    {
        ["Service:Limits:MaxTextLength"] = MaxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task<PageSession> OpenAsync(int width = 1100, int height = 900) =>
        PageSession.OpenAsync(Chromium, Host, width, height);

    public Task InitializeAsync() => Chromium.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DefaultModelCollection : ICollectionFixture<DefaultModelPage>
{
    public const string Name = "default model page";
}
