using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>
/// <c>options.timeout_ms</c> end to end, on a stepping model and a clock that moves only when the test moves it:
/// the deadline passes exactly when the test says, whatever the machine's speed.
/// </summary>
public sealed class DeadlineTests : IDisposable
{
    private readonly ManualClock _clock = new();
    private readonly SteppingModel _model = new(joins: true);
    private readonly ServiceFactory _factory;

    public DeadlineTests() => _factory = new ServiceFactory(services: services =>
    {
        services.RemoveAll<IModelCatalog>();
        services.AddSingleton<IModelCatalog>(new ScriptedCatalog(_model));
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(_clock);
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_request_past_its_deadline_gets_422_its_rows_leave_and_the_service_keeps_serving()
    {
        var client = _factory.CreateClient();
        // Rows of "forever" never finish on their own: the request cannot be met before its deadline.
        var translating = client.PostAsJsonAsync("/translate",
            new { texts = new[] { "forever a", "forever b" }, options = new { timeout_ms = 1000 } });
        await Wait.UntilAsync(() => _model.ActiveRows == 2, "both rows run");

        _clock.Advance(TimeSpan.FromMilliseconds(1000));

        var response = await translating;
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("title").GetString().Should().Be("Request limit exceeded");
        problem.GetProperty("detail").GetString().Should().Contain("deadline of 1000 ms (options.timeout_ms)");
        await Wait.UntilAsync(() => _model.ActiveRows == 0, "the stopped rows left the batch");

        var next = await client.PostAsJsonAsync("/translate", new { texts = new[] { "one two" } });
        next.StatusCode.Should().Be(HttpStatusCode.OK);
        (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("translations")[0].GetProperty("text").GetString()
            .Should().Be("<0>one two");
    }

    [Fact]
    public async Task Without_a_setting_or_an_option_a_request_still_stops_at_the_default_deadline()
    {
        var client = _factory.CreateClient();
        var translating = client.PostAsJsonAsync("/translate", new { texts = new[] { "forever" } });
        await Wait.UntilAsync(() => _model.ActiveRows == 1, "the row runs");

        _clock.Advance(TimeSpan.FromSeconds(299));
        translating.IsCompleted.Should().BeFalse("the default deadline is 300 s");
        _clock.Advance(TimeSpan.FromSeconds(1));

        var response = await translating;
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()
            .Should().Contain("deadline of 300000 ms (Service:Batching:RequestTimeoutSeconds)");
    }

    [Fact]
    public async Task A_deadline_that_is_not_reached_leaves_the_output_unchanged()
    {
        var client = _factory.CreateClient();
        string[] texts = ["one two three", "four five"];

        var without = await client.PostAsJsonAsync("/translate", new { texts });
        var with = await client.PostAsJsonAsync("/translate", new { texts, options = new { timeout_ms = 86_400_000 } });

        with.StatusCode.Should().Be(HttpStatusCode.OK);
        TranslationsOf(await with.Content.ReadFromJsonAsync<JsonElement>())
            .Should().Equal(TranslationsOf(await without.Content.ReadFromJsonAsync<JsonElement>()));
    }

    private static string[] TranslationsOf(JsonElement response) =>
        [.. response.GetProperty("translations").EnumerateArray().Select(t => t.GetRawText())];
}
