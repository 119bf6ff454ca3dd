using System.Net;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// Per-key request rate (429 + Retry-After) and monthly character quota (DeepL 456), each API in its own
/// shape. The rate window is a minute, far longer than these few requests take.
/// </summary>
public sealed class LimitTests
{
    private static ServiceFactory Keyed(int requestsPerMinute, long charactersPerMonth) => Create(new Dictionary<string, string?>
    {
        ["Service:Auth:ApiKeys:0:Key"] = "limited-key",
        ["Service:Auth:ApiKeys:0:Name"] = "limited",
        ["Service:Auth:ApiKeys:0:RequestsPerMinute"] = requestsPerMinute.ToString(),
        ["Service:Auth:ApiKeys:0:CharactersPerMonth"] = charactersPerMonth.ToString(),
        ["Service:Auth:ApiKeys:1:Key"] = "other-key",
        ["Service:Auth:ApiKeys:1:Name"] = "other",
        ["Service:Auth:ApiKeys:1:RequestsPerMinute"] = requestsPerMinute.ToString(),
    });

    [Fact]
    public async Task Request_rate_is_per_key_and_refused_in_each_apis_shape()
    {
        using var factory = Keyed(requestsPerMinute: 2, charactersPerMonth: 0);
        var client = factory.CreateClient();
        var native = ("X-API-Key", "limited-key");
        (await client.PostAndReadAsync("/translate", Json(new { text = "one" }), native)).Status.Should().Be(HttpStatusCode.OK);
        (await client.PostAndReadAsync("/v2/translate", Form(("text", "two"), ("target_lang", "XX")),
            ("Authorization", "DeepL-Auth-Key limited-key"))).Status.Should().Be(HttpStatusCode.OK);

        var (nativeStatus, nativeBody, nativeResponse) = await client.PostAndReadAsync("/translate", Json(new { text = "three" }), native);
        var (libreStatus, libreBody, libreResponse) = await client.PostAndReadAsync("/translate",
            Form(("q", "four"), ("source", "en"), ("target", "xx"), ("api_key", "limited-key")));
        var (deeplStatus, deeplBody, _) = await client.PostAndReadAsync("/v2/translate", Form(("text", "four"), ("target_lang", "XX")),
            ("Authorization", "DeepL-Auth-Key limited-key"));
        var (otherStatus, _, _) = await client.PostAndReadAsync("/translate", Json(new { text = "five" }), ("X-API-Key", "other-key"));

        nativeStatus.Should().Be(HttpStatusCode.TooManyRequests);
        nativeResponse.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        nativeBody.GetProperty("status").GetInt32().Should().Be(429);
        nativeResponse.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        libreStatus.Should().Be(HttpStatusCode.TooManyRequests);
        libreBody.GetProperty("error").GetString().Should().NotBeNullOrEmpty();
        libreResponse.Headers.RetryAfter.Should().NotBeNull();
        deeplStatus.Should().Be(HttpStatusCode.TooManyRequests);
        deeplBody.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
        otherStatus.Should().Be(HttpStatusCode.OK, "the other key has its own window");
    }

    [Fact]
    public async Task Character_quota_refuses_past_the_limit_and_failed_requests_are_not_billed()
    {
        using var factory = Keyed(requestsPerMinute: 0, charactersPerMonth: 10);
        var client = factory.CreateClient();
        var deepl = ("Authorization", "DeepL-Auth-Key limited-key");

        (await client.PostAndReadAsync("/v2/translate", Form(("text", "12345678"), ("target_lang", "XX")), deepl))
            .Status.Should().Be(HttpStatusCode.OK);
        (await client.PostAndReadAsync("/v2/translate", Form(("text", "12"), ("target_lang", "DE")), deepl))
            .Status.Should().Be(HttpStatusCode.BadRequest);
        var (deeplStatus, deeplBody, deeplResponse) = await client.PostAndReadAsync("/v2/translate",
            Form(("text", "123"), ("target_lang", "XX")), deepl);
        var (libreStatus, libreBody, _) = await client.PostAndReadAsync("/translate",
            Json(new { q = "abc", source = "en", target = "xx", api_key = "limited-key" }));
        var (nativeStatus, _, nativeResponse) = await client.PostAndReadAsync("/translate",
            Json(new { texts = new[] { "a", "bc" } }), ("X-API-Key", "limited-key"));
        var (_, usage, _) = await client.SendAndReadAsync(HttpMethod.Post, "/v2/usage", null, deepl);
        var (lastFits, _, _) = await client.PostAndReadAsync("/translate", Json(new { text = "ab" }), ("X-API-Key", "limited-key"));

        ((int)deeplStatus).Should().Be(456);
        deeplBody.GetProperty("message").GetString().Should().Contain("8 of 10");
        deeplResponse.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        libreStatus.Should().Be(HttpStatusCode.TooManyRequests);
        libreBody.GetProperty("error").GetString().Should().Contain("characters");
        nativeStatus.Should().Be(HttpStatusCode.TooManyRequests);
        nativeResponse.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        usage.GetProperty("character_count").GetInt64().Should().Be(8);
        usage.GetProperty("character_limit").GetInt64().Should().Be(10);
        lastFits.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Usage_appears_in_metrics_by_key_name_never_by_key()
    {
        using var factory = Keyed(requestsPerMinute: 0, charactersPerMonth: 0);
        var client = factory.CreateClient();
        await client.PostAndReadAsync("/translate", Json(new { text = "Hello" }), ("X-API-Key", "limited-key"));
        await client.PostAndReadAsync("/translate", Json(new { text = "Hello" }), ("X-API-Key", "guess"));

        var metrics = await client.GetStringAsync("/metrics");

        metrics.Should().Contain("seq2seq_api_key_characters_total{key=\"limited\"} 5");
        metrics.Should().Contain("seq2seq_api_key_requests_total{key=\"limited\",status=\"200\"} 1");
        metrics.Should().Contain("seq2seq_api_key_refusals_total{reason=\"wrong_key\"} 1");
        metrics.Should().NotContain("limited-key").And.NotContain("guess");
    }
}
