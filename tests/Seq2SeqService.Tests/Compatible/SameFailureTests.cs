using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// One failure sent through the native, LibreTranslate and DeepL APIs gets the same status from each (the table in
/// docs/api.md#errors), in each API's own body, with <c>Retry-After</c> exactly when a retry can succeed.
/// </summary>
public sealed class SameFailureTests
{
    private record Answer(string Api, HttpStatusCode Status, string Message, TimeSpan? RetryAfter);

    /// <summary>The same texts as each API's translate request, sent together so they share the service's state.</summary>
    private static async Task<Answer[]> SendToEachApiAsync(HttpClient client, params string[] texts)
    {
        var native = client.PostAndReadAsync("/translate", Json(new { texts }));
        var libre = client.PostAndReadAsync("/translate", Json(new { q = texts, source = "en", target = "xx" }));
        var deepl = client.PostAndReadAsync("/v2/translate",
            Form([.. texts.Select(t => ("text", t)), ("source_lang", "EN"), ("target_lang", "XX")]));
        return
        [
            Read("native", await native, body => body.GetProperty("detail")),
            Read("libretranslate", await libre, body => body.GetProperty("error")),
            Read("deepl", await deepl, body => body.GetProperty("message")),
        ];
    }

    private static Answer Read(string api, (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) answer,
        Func<JsonElement, JsonElement> message) =>
        new(api, answer.Status, answer.Status == HttpStatusCode.OK ? "" : message(answer.Body).GetString()!,
            answer.Response.Headers.RetryAfter?.Delta);

    [Fact]
    public async Task A_full_queue_is_503_with_retry_after_in_every_api()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Service:Queue:Capacity"] = "1",
            ["Service:Queue:RetryAfterSeconds"] = "7",
            ["Service:Batching:MaxWaitMilliseconds"] = "0",
        }, gate, new ScriptedModel("en-xx"));
        _ = factory.Server;
        await gate.NextStartedAsync();
        gate.Release();
        var client = factory.CreateClient();

        var holding = client.PostAndReadAsync("/translate", Json(new { text = "holding" }));
        await gate.NextStartedAsync();
        var answers = await SendToEachApiAsync(client, "Hi");
        gate.Release();

        (await holding).Status.Should().Be(HttpStatusCode.OK);
        answers.Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(HttpStatusCode.ServiceUnavailable, a.Api);
            a.Message.Should().Contain("queue is full", a.Api);
            a.RetryAfter.Should().Be(TimeSpan.FromSeconds(7), a.Api);
        });
    }

    // Two texts are two rows: one round of the scripted model charges 2 tokens, over a budget of 1. Each "x" is
    // estimated at 34 token steps (2 source tokens and the default 32 new ones), so two are over 50.
    [Theory]
    [InlineData("Service:Limits:MaxRequestWork", "50", HttpStatusCode.RequestEntityTooLarge, "at most 50 per request")]
    [InlineData("Service:Batching:MaxTokensPerRequest", "1", HttpStatusCode.UnprocessableEntity, "MaxTokensPerRequest")]
    [InlineData("Service:Limits:MaxTextLength", "3", HttpStatusCode.BadRequest, "[1] has 4 characters; at most 3 are allowed")]
    public async Task A_request_over_a_limit_gets_the_same_status_without_retry_after_in_every_api(string setting,
        string value, HttpStatusCode status, string named)
    {
        using var factory = Create(new Dictionary<string, string?> { [setting] = value });
        var client = factory.CreateClient();

        var answers = await SendToEachApiAsync(client, "x", "x yz");
        var fits = await SendToEachApiAsync(client, "x");

        answers.Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(status, a.Api);
            a.Message.Should().Contain(named, a.Api);
            a.RetryAfter.Should().BeNull(a.Api);
        });
        fits.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.OK, a.Api));
    }

    [Fact]
    public async Task A_request_past_the_service_deadline_is_422_in_every_api()
    {
        var clock = new ManualClock();
        var model = new SteppingModel(joins: true);
        using var factory = new ServiceFactory(
            new Dictionary<string, string?> { ["Service:Batching:RequestTimeoutSeconds"] = "1" },
            services =>
            {
                services.RemoveAll<IModelCatalog>();
                services.AddSingleton<IModelCatalog>(new ScriptedCatalog(model));
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            });
        var client = factory.CreateClient();

        // A "forever" row never finishes on its own, so every request is still running when the clock moves.
        var answers = SendToEachApiAsync(client, "forever");
        await Wait.UntilAsync(() => model.ActiveRows == 3, "the three requests run");
        clock.Advance(TimeSpan.FromSeconds(1));

        (await answers).Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(HttpStatusCode.UnprocessableEntity, a.Api);
            a.Message.Should().Contain("deadline of 1000 ms (Service:Batching:RequestTimeoutSeconds)", a.Api);
            a.RetryAfter.Should().BeNull(a.Api);
        });
    }

    [Fact]
    public async Task An_engine_failure_is_503_with_retry_after_in_every_api_and_the_service_keeps_serving()
    {
        using var factory = ScriptedService.Create(
            new Dictionary<string, string?> { ["Service:Queue:RetryAfterSeconds"] = "3" }, null,
            new FaultyModel(new ScriptedModel("en-xx"), engineFailsOn: "explode"));
        var client = factory.CreateClient();

        var answers = await SendToEachApiAsync(client, "explode");
        var after = await SendToEachApiAsync(client, "fine");

        answers.Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(HttpStatusCode.ServiceUnavailable, a.Api);
            a.Message.Should().Contain("failed to generate", a.Api);
            a.RetryAfter.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(3), a.Api);
        });
        after.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.OK, a.Api));
    }
}
