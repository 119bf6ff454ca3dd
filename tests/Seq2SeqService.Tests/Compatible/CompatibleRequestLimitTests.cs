using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// A request over the per-request limits (estimated work, generated tokens, deadline) cannot succeed when sent
/// again, so each API refuses it the way it refuses an oversized request, without Retry-After: LibreTranslate
/// 400 <c>{"error"}</c>, DeepL 413 <c>{"message"}</c>.
/// </summary>
public sealed class CompatibleRequestLimitTests
{
    // Two texts are two rows: one round of the scripted model charges 2 tokens, over a budget of 1. Each "x" is
    // estimated at 34 token steps (2 source tokens and the default 32 new ones), so two are over 50.
    [Theory]
    [InlineData("Service:Batching:MaxTokensPerRequest", "1", "MaxTokensPerRequest")]
    [InlineData("Service:Limits:MaxRequestWork", "50", "at most 50 per request")]
    public async Task A_request_over_a_limit_is_refused_as_too_large_in_each_apis_shape(string setting, string value,
        string named)
    {
        using var factory = Create(new Dictionary<string, string?> { [setting] = value });
        var client = factory.CreateClient();

        var (libreStatus, libreBody, libreResponse) = await client.PostAndReadAsync("/translate",
            Json(new { q = new[] { "x", "x" }, source = "en", target = "xx" }));
        var (deeplStatus, deeplBody, deeplResponse) = await client.PostAndReadAsync("/v2/translate",
            Form(("text", "x"), ("text", "x"), ("source_lang", "EN"), ("target_lang", "XX")));
        var (fitsStatus, _, _) = await client.PostAndReadAsync("/v2/translate",
            Form(("text", "x"), ("source_lang", "EN"), ("target_lang", "XX")));

        libreStatus.Should().Be(HttpStatusCode.BadRequest);
        libreBody.GetProperty("error").GetString().Should().Contain(named);
        libreResponse.Headers.RetryAfter.Should().BeNull();
        deeplStatus.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        deeplBody.GetProperty("message").GetString().Should().Contain(named);
        deeplResponse.Headers.RetryAfter.Should().BeNull();
        fitsStatus.Should().Be(HttpStatusCode.OK, "one text is within the limit");
    }

    [Fact]
    public async Task A_request_past_the_service_deadline_is_refused_as_too_large_in_each_apis_shape()
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
        // A "forever" row never finishes on its own, so both requests are still running when the clock moves.
        var libre = client.PostAndReadAsync("/translate", Json(new { q = "forever", source = "en", target = "xx" }));
        var deepl = client.PostAndReadAsync("/v2/translate",
            Form(("text", "forever"), ("source_lang", "EN"), ("target_lang", "XX")));
        await Wait.UntilAsync(() => model.ActiveRows == 2, "both requests run");

        clock.Advance(TimeSpan.FromSeconds(1));

        var (libreStatus, libreBody, libreResponse) = await libre;
        var (deeplStatus, deeplBody, deeplResponse) = await deepl;
        libreStatus.Should().Be(HttpStatusCode.BadRequest);
        libreBody.GetProperty("error").GetString().Should().Contain("deadline of 1000 ms (Service:Batching:RequestTimeoutSeconds)");
        libreResponse.Headers.RetryAfter.Should().BeNull();
        deeplStatus.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        deeplBody.GetProperty("message").GetString().Should().Contain("deadline of 1000 ms");
        deeplResponse.Headers.RetryAfter.Should().BeNull();
    }
}
