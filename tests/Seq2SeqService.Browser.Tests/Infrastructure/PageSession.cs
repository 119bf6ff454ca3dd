using PuppeteerSharp;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>
/// One browser tab on the page at GET /, used the way a person uses it (typing, clicking, keys), recording
/// every console error and uncaught script error.
/// </summary>
public sealed class PageSession : IAsyncDisposable
{
    private static readonly WaitForFunctionOptions Bounded = new() { Timeout = 60_000, PollingInterval = 50 };
    private readonly List<string> _errors = [];

    private PageSession(IPage page)
    {
        Page = page;
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                Record($"console: {e.Message.Text}");
            }
        };
        page.PageError += (_, e) => Record($"uncaught: {e.Message}");
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Opens the page and waits until the models have loaded and Translate can be pressed.</summary>
    public static async Task<PageSession> OpenAsync(Chromium chromium, PageHost host, int width = 1100, int height = 900)
    {
        var page = await chromium.Browser.NewPageAsync();
        var session = new PageSession(page);
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
        await page.GoToAsync(host.Address.ToString(), WaitUntilNavigation.Load);
        await session.WaitUntilAsync("!document.getElementById('translate').disabled");
        return session;
    }

    public Task WaitUntilAsync(string condition) => Page.WaitForFunctionAsync($"() => {condition}", Bounded);

    public Task<T> EvaluateAsync<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    public Task<string> TextOfAsync(string id) =>
        EvaluateAsync<string>($"document.getElementById('{id}').textContent");

    public Task<bool> IsShownAsync(string id) =>
        EvaluateAsync<bool>($"(e => !e.hidden && e.getClientRects().length > 0)(document.getElementById('{id}'))");

    /// <summary>Replaces the text area's content by typing, as a person would.</summary>
    public async Task TypeSourceAsync(string text)
    {
        await Page.EvaluateExpressionAsync("document.getElementById('source').value = ''");
        await Page.TypeAsync("#source", text);
    }

    /// <summary>Types <paramref name="text"/>, presses Translate and waits until the answer (or the error) is on the page.</summary>
    public async Task<IResponse> TranslateAsync(string text)
    {
        await TypeSourceAsync(text);
        return await PressTranslateAsync();
    }

    /// <summary>Presses Translate and waits until the answer (or the error) is on the page.</summary>
    public Task<IResponse> PressTranslateAsync() => WhileTranslatingAsync(() => Page.ClickAsync("#translate"));

    /// <summary>
    /// Runs <paramref name="action"/>, which should start a translation, and waits for the service's answer and
    /// then for the page to finish handling it (it marks the result busy from the press until then).
    /// Returns the service's answer as the page received it.
    /// </summary>
    public async Task<IResponse> WhileTranslatingAsync(Func<Task> action)
    {
        var answered = Page.WaitForResponseAsync(r => new Uri(r.Url).AbsolutePath == "/translate",
            new WaitForOptions { Timeout = Bounded.Timeout });
        // The body can be read over DevTools only once Chromium has seen the whole response (its loadingFinished),
        // which may come after the page has already shown a streamed answer: reading it earlier fails with "No data
        // found for resource".
        var finished = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnFinished(object? sender, RequestEventArgs e)
        {
            if (new Uri(e.Request.Url).AbsolutePath == "/translate")
            {
                finished.TrySetResult(e.Request);
            }
        }

        Page.RequestFinished += OnFinished;
        Page.RequestFailed += OnFinished;
        try
        {
            await action();
            var response = await answered;
            await finished.Task.WaitAsync(TimeSpan.FromMilliseconds(Bounded.Timeout ?? 60_000));
            await WaitUntilAsync("!document.getElementById('result').hasAttribute('aria-busy')" +
                                 " && !document.getElementById('translate').disabled");
            return response;
        }
        finally
        {
            Page.RequestFinished -= OnFinished;
            Page.RequestFailed -= OnFinished;
        }
    }

    /// <summary>The service's answer as JSON: a unary answer's body, or the <c>done</c> event of a streamed one.</summary>
    public static async Task<System.Text.Json.JsonElement> AnswerAsync(IResponse response)
    {
        var body = await BodyAsync(response);
        if (!response.Headers.TryGetValue("content-type", out var type) || !type.StartsWith("text/event-stream", StringComparison.Ordinal))
        {
            return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
        }

        var done = body.Split("\n\n").First(block => block.StartsWith("event: done\n", StringComparison.Ordinal));
        return System.Text.Json.JsonDocument.Parse(done[(done.IndexOf("data: ", StringComparison.Ordinal) + 6)..]).RootElement.Clone();
    }

    /// <summary>
    /// The response's body as Chromium received it; when DevTools no longer holds it (Chromium drops the body of some
    /// streamed responses: "No data found for resource"), the same request sent again, which decodes to the same
    /// answer because the page's requests are deterministic (no sampling without a seed).
    /// </summary>
    private static async Task<string> BodyAsync(IResponse response)
    {
        try
        {
            return await response.TextAsync();
        }
        catch (PuppeteerException e) when (e.Message.Contains("response body", StringComparison.Ordinal))
        {
            using var again = new HttpRequestMessage(new HttpMethod(response.Request.Method.ToString().ToUpperInvariant()), response.Url)
            {
                Content = new StringContent(response.Request.PostData?.ToString() ?? "", System.Text.Encoding.UTF8, "application/json"),
            };
            if (response.Request.Headers.TryGetValue("accept", out var accept))
            {
                again.Headers.TryAddWithoutValidation("Accept", accept);
            }

            using var answer = await Resend.SendAsync(again);
            return await answer.Content.ReadAsStringAsync();
        }
    }

    private static readonly HttpClient Resend = new();

    /// <summary>Types a value into a number field (clearing it first, as select-all then typing does).</summary>
    public async Task SetFieldAsync(string id, string value)
    {
        await Page.ClickAsync($"#{id}", new PuppeteerSharp.Input.ClickOptions { Count = 3 });
        await Page.Keyboard.PressAsync("Backspace");
        await Page.TypeAsync($"#{id}", value);
    }

    /// <summary>
    /// Saves the whole page as <paramref name="name"/> in the folder named by WEB_PAGE_SCREENSHOTS, when it is
    /// set (docs/images is where the docs expect them).
    /// </summary>
    public async Task SaveScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("WEB_PAGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(Path.Combine(folder, name), new ScreenshotOptions { FullPage = true });
        }
    }

    private void Record(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}
