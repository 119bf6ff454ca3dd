using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// The reproductions of a hostile but fair client's probe: each body or header that once got a 500, a free
/// translation or a misleading answer, now refused in the API's own shape.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Host host) : IClassFixture<HostileInputTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = Create();

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => host.Factory.CreateClient();

    private static HttpContent Raw(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Theory]
    [InlineData("/translate", """{"q":"x","source":[],"target":"xx"}""", "error")]
    [InlineData("/translate", """{"q":"x","source":"en","target":[]}""", "error")]
    [InlineData("/translate", """{"q":"x","source":"en","target":"xx","format":[]}""", "error")]
    [InlineData("/translate", """{"q":[],"source":"en","target":"xx"}""", "error")]
    [InlineData("/translate", """{"q":"x","source":{},"target":"xx"}""", "error")]
    [InlineData("/translate", """{"q":"x","source":null,"target":"xx"}""", "error")]
    [InlineData("/translate", """{"q":"x","source":"en","target":"xx","api_key":[]}""", "error")]
    [InlineData("/detect", """{"q":[]}""", "error")]
    [InlineData("/v2/translate", """{"text":["x"],"target_lang":[]}""", "message")]
    [InlineData("/v2/translate", """{"text":["x"],"target_lang":"XX","source_lang":[]}""", "message")]
    [InlineData("/v2/translate", """{"text":["x"],"target_lang":"XX","tag_handling":[]}""", "message")]
    [InlineData("/v2/translate", """{"text":[],"target_lang":"XX"}""", "message")]
    [InlineData("/v2/translate", """{"text":["x"],"target_lang":{}}""", "message")]
    [InlineData("/v2/languages", """{"type":[]}""", "message")]
    [InlineData("/v2/languages", """{"type":{}}""", "message")]
    public async Task An_empty_array_object_or_null_where_a_string_belongs_is_a_400_in_the_apis_shape(
        string path, string body, string errorField)
    {
        var (status, answer, _) = await Client.PostAndReadAsync(path, Raw(body, "application/json"));

        status.Should().Be(HttpStatusCode.BadRequest);
        answer.GetProperty(errorField).GetString().Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("/translate", "error")]
    [InlineData("/detect", "error")]
    [InlineData("/v2/translate", "message")]
    public async Task A_form_in_a_charset_dotnet_cannot_decode_is_415_in_the_apis_shape(string path, string errorField)
    {
        var body = Raw("q=x&text=x&source=en&target=xx&target_lang=XX", "application/x-www-form-urlencoded; charset=utf-7");

        var (status, answer, _) = await Client.PostAndReadAsync(path, body);

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        answer.GetProperty(errorField).GetString().Should().Contain("utf-7");
    }

    [Fact]
    public async Task A_libretranslate_form_past_the_field_limit_gets_libretranslates_error_not_the_native_415()
    {
        var fields = Enumerable.Range(0, 1100).Select(i => ($"f{i}", "v")).Append(("q", "x")).Append(("source", "en"))
            .Append(("target", "xx")).ToArray();

        var (status, answer, response) = await Client.PostAndReadAsync("/translate", Form(fields));

        status.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        answer.GetProperty("error").GetString().Should().Contain("limit");
    }

    [Theory]
    [InlineData("/translate", """{"q":"Hi.","source":"en","target":"%"}""", "error")]
    [InlineData("/translate", """{"q":"Hi.","source":"%","target":"xx"}""", "error")]
    [InlineData("/translate", """{"q":"Hi.","source":"en","target":"xx","format":"%"}""", "error")]
    [InlineData("/v2/translate", """{"text":["Hi."],"target_lang":"%"}""", "message")]
    [InlineData("/v2/languages", """{"type":"%"}""", "message")]
    public async Task Echoed_values_are_cut_short(string path, string template, string errorField)
    {
        var body = template.Replace("%", new string('f', 200_000));

        var (status, answer, response) = await Client.PostAndReadAsync(path, Raw(body, "application/json"));

        status.Should().Be(HttpStatusCode.BadRequest);
        answer.GetProperty(errorField).GetString().Should().Contain("200000 characters");
        (await response.Content.ReadAsByteArrayAsync()).Length.Should().BeLessThan(1000);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/models")]
    [InlineData("/health/ready")]
    public async Task Every_answer_forbids_sniffing_framing_and_referrers(string path)
    {
        using var response = await Client.GetAsync(path);

        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'")
            .And.Contain("script-src 'self'");
    }

    [Fact]
    public async Task The_apis_answer_any_origin_by_default_and_operator_pages_none()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/translate");
        preflight.Headers.Add("Origin", "https://client.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        using var answer = await Client.SendAsync(preflight);
        using var translate = new HttpRequestMessage(HttpMethod.Post, "/v2/translate")
        {
            Content = Form(("text", "x"), ("target_lang", "XX")),
        };
        translate.Headers.Add("Origin", "https://client.example");
        using var translated = await Client.SendAsync(translate);
        using var metrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        metrics.Headers.Add("Origin", "https://client.example");
        using var scrape = await Client.SendAsync(metrics);

        answer.StatusCode.Should().Be(HttpStatusCode.NoContent);
        answer.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        answer.Headers.GetValues("Access-Control-Allow-Headers").Single().Should().Contain("authorization");
        translated.StatusCode.Should().Be(HttpStatusCode.OK);
        translated.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        translated.Headers.GetValues("Access-Control-Expose-Headers").Single().Should().Contain("Retry-After");
        scrape.StatusCode.Should().Be(HttpStatusCode.OK);
        scrape.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task Listed_origins_alone_are_answered()
    {
        using var factory = Create(new Dictionary<string, string?> { ["Service:Server:Cors"] = "https://a.example, https://b.example" });
        var client = factory.CreateClient();

        async Task<string?> AllowedFor(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/translate") { Content = Json(new { text = "x" }) };
            request.Headers.Add("Origin", origin);
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        (await AllowedFor("https://b.example")).Should().Be("https://b.example");
        (await AllowedFor("https://c.example")).Should().BeNull();
    }
}

/// <summary>Billing and the request rate as a client that tries to get around them would meet them.</summary>
public sealed class HostileBillingTests
{
    private static ServiceFactory Keyed(int requestsPerMinute, long charactersPerMonth, TimeProvider? clock = null) =>
        new(new Dictionary<string, string?>
        {
            ["Service:Auth:ApiKeys:0:Key"] = "limited-key",
            ["Service:Auth:ApiKeys:0:Name"] = "limited",
            ["Service:Auth:ApiKeys:0:RequestsPerMinute"] = requestsPerMinute.ToString(),
            ["Service:Auth:ApiKeys:0:CharactersPerMonth"] = charactersPerMonth.ToString(),
        }, services =>
        {
            services.RemoveAll<IModelCatalog>();
            services.AddSingleton<IModelCatalog>(new ScriptedCatalog(new ScriptedModel("en-xx")));
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
            }
        });

    private static HttpContent WithBom(string json)
    {
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }

    [Fact]
    public async Task A_body_behind_a_byte_order_mark_is_billed_like_any_other()
    {
        using var factory = Keyed(requestsPerMinute: 0, charactersPerMonth: 10);
        var client = factory.CreateClient();
        var key = ("Authorization", "Bearer limited-key");

        var (first, _, _) = await client.PostAndReadAsync("/translate", WithBom("""{"text":"12345678"}"""), key);
        var (_, usage, _) = await client.SendAndReadAsync(HttpMethod.Get, "/v2/usage", null, ("Authorization", "DeepL-Auth-Key limited-key"));
        var (overQuota, _, _) = await client.PostAndReadAsync("/translate", WithBom("""{"text":"123"}"""), key);
        var (libreOver, _, _) = await client.PostAndReadAsync("/translate",
            WithBom("""{"q":"123","source":"en","target":"xx","api_key":"limited-key"}"""));

        first.Should().Be(HttpStatusCode.OK);
        usage.GetProperty("character_count").GetInt64().Should().Be(8);
        overQuota.Should().Be(HttpStatusCode.TooManyRequests);
        libreOver.Should().Be(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Markup_fanned_out_into_text_nodes_is_one_job_held_to_the_work_limit()
    {
        // About 64 one-node texts' work: a client may send 64 texts, but not 4 × 100 blocks in their markup (block tags
        // split text into runs; inline ones no longer do, so they fan nothing out).
        using var factory = new ServiceFactory(new Dictionary<string, string?> { ["Service:Limits:MaxRequestWork"] = "2600" },
            services =>
            {
                services.RemoveAll<IModelCatalog>();
                services.AddSingleton<IModelCatalog>(new ScriptedCatalog(new ScriptedModel("en-xx")));
            });
        var client = factory.CreateClient();
        var node = string.Concat(Enumerable.Repeat("<li>Zzzzzzzzzzzzz</li>", 100));

        var (fits, _, _) = await client.PostAndReadAsync("/translate",
            Json(new { q = Enumerable.Repeat("Zzzzzzzzzzzzz", 64).ToArray(), source = "en", target = "xx" }));
        var (libre, libreBody, _) = await client.PostAndReadAsync("/translate",
            Json(new { q = new[] { node, node, node, node }, source = "en", target = "xx", format = "html" }));
        var (deepl, deeplBody, _) = await client.PostAndReadAsync("/v2/translate",
            Json(new { text = new[] { node, node, node, node }, target_lang = "XX", tag_handling = "html" }));

        fits.Should().Be(HttpStatusCode.OK);
        libre.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        libreBody.GetProperty("error").GetString().Should().Contain("estimated work");
        deepl.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        deeplBody.GetProperty("message").GetString().Should().Contain("estimated work");
    }

    [Fact]
    public async Task A_rate_refusal_says_the_time_left_in_the_window_and_lookups_do_not_count()
    {
        var clock = new ManualClock();
        using var factory = Keyed(requestsPerMinute: 2, charactersPerMonth: 0, clock);
        var client = factory.CreateClient();
        var deepl = ("Authorization", "DeepL-Auth-Key limited-key");

        for (var i = 0; i < 3; i++)
        {
            (await client.SendAndReadAsync(HttpMethod.Get, "/v2/usage", null, deepl)).Status.Should().Be(HttpStatusCode.OK);
            (await client.SendAndReadAsync(HttpMethod.Get, "/v2/languages", null, deepl)).Status.Should().Be(HttpStatusCode.OK);
        }

        (await client.PostAndReadAsync("/v2/translate", Form(("text", "a"), ("target_lang", "XX")), deepl)).Status.Should().Be(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromSeconds(40));
        (await client.PostAndReadAsync("/v2/translate", Form(("text", "b"), ("target_lang", "XX")), deepl)).Status.Should().Be(HttpStatusCode.OK);
        var (refused, _, response) = await client.PostAndReadAsync("/v2/translate", Form(("text", "c"), ("target_lang", "XX")), deepl);
        clock.Advance(TimeSpan.FromSeconds(20));
        var (afterWindow, _, _) = await client.PostAndReadAsync("/v2/translate", Form(("text", "d"), ("target_lang", "XX")), deepl);

        refused.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(20));
        afterWindow.Should().Be(HttpStatusCode.OK);
    }
}
