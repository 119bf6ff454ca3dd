using System.Net;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>LibreTranslate's API over raw HTTP, on an open service.</summary>
public sealed class LibreTranslateApiTests(LibreTranslateApiTests.Host host) : IClassFixture<LibreTranslateApiTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = Create(new Dictionary<string, string?> { ["Service:Limits:MaxTexts"] = "3" });

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => host.Factory.CreateClient();

    public static TheoryData<string> Encodings => ["json", "form", "multipart"];

    private static HttpContent Encode(string encoding, params (string Name, string Value)[] fields) => encoding switch
    {
        "json" => Json(fields.ToDictionary(f => f.Name, f => f.Value)),
        "form" => Form(fields),
        _ => Multipart(fields),
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task Translates_a_string_in_every_body_encoding(string encoding)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Encode(encoding, ("q", "Where is the station?"), ("source", "en"), ("target", "xx")));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be("<0>Where is the station?");
        body.TryGetProperty("detectedLanguage", out _).Should().BeFalse();
    }

    [Fact]
    public async Task An_array_of_texts_comes_back_as_an_array_in_order()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = new[] { "One.", "  ", "Three." }, source = "en", target = "xx" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").Strings().Should().Equal("<0>One.", "  ", "<0>Three.");
    }

    [Fact]
    public async Task Auto_source_picks_the_detected_language_that_has_a_model_for_the_target()
    {
        var (_, french, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = "Où est la gare et le train pour Paris ?", source = "auto", target = "xx" }));
        var (_, english, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = "Where is the station and the train to Paris?", source = "auto", target = "xx" }));
        var (_, onlyFrench, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = "Where is the station?", source = "auto", target = "en" }));

        french.GetProperty("detectedLanguage").GetProperty("language").GetString().Should().Be("fr");
        french.GetProperty("detectedLanguage").GetProperty("confidence").GetDouble().Should().BeInRange(50, 100);
        english.GetProperty("detectedLanguage").GetProperty("language").GetString().Should().Be("en");
        onlyFrench.GetProperty("detectedLanguage").GetProperty("language").GetString().Should().Be("fr",
            "only French has a model into English");
    }

    [Fact]
    public async Task Html_translates_each_runs_text_whole_and_keeps_the_markup()
    {
        const string html = "<p class=\"a>b\">Hello <b>world</b>!</p><!-- note --><script>var s = 'x';</script> &amp; more";

        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = html, source = "en", target = "xx", format = "html" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be(
            "<p class=\"a>b\">&lt;0&gt;Hello <b>world</b>!</p><!-- note --><script>var s = 'x';</script> &lt;0&gt;&amp; more");
    }

    [Fact]
    public async Task Html_may_hold_more_text_nodes_than_a_request_may_hold_texts()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { q = "<li>a</li><li>b</li><li>c</li><li>d</li><li>e</li>", source = "en", target = "xx", format = "html" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be(
            "<li>&lt;0&gt;a</li><li>&lt;0&gt;b</li><li>&lt;0&gt;c</li><li>&lt;0&gt;d</li><li>&lt;0&gt;e</li>");
    }

    [Fact]
    public async Task Languages_list_every_language_with_its_targets()
    {
        var (status, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/languages");

        status.Should().Be(HttpStatusCode.OK);
        var languages = body.EnumerateArray().ToDictionary(l => l.GetProperty("code").GetString()!);
        languages.Keys.Should().BeEquivalentTo(["en", "fr", "xx"]);
        languages["en"].GetProperty("name").GetString().Should().Be("English");
        languages["fr"].GetProperty("targets").Strings().Should().Equal("xx", "en");
        languages["xx"].GetProperty("targets").Strings().Should().BeEmpty();
    }

    [Fact]
    public async Task Detect_ranks_the_models_source_languages()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/detect", Form(("q", "Le chat dort sur le canapé de la maison.")));

        status.Should().Be(HttpStatusCode.OK);
        body.EnumerateArray().Select(d => d.GetProperty("language").GetString()).Should().Equal("fr", "en");
        body[0].GetProperty("confidence").GetDouble().Should().BeGreaterThan(body[1].GetProperty("confidence").GetDouble());
    }

    [Theory]
    [InlineData("{\"q\":\"Hi\",\"source\":\"en\"}", "missing target")]
    [InlineData("{\"q\":\"Hi\",\"source\":\"en\",\"target\":\"de\"}", "'de' is not available as a target")]
    [InlineData("{\"q\":\"Hi\",\"source\":\"de\",\"target\":\"xx\"}", "'de' is not available as a source")]
    [InlineData("{\"q\":\"Hi\",\"source\":\"xx\",\"target\":\"en\"}", "'xx' is not available as a source")]
    [InlineData("{\"q\":\"Hi\",\"source\":\"en\",\"target\":\"xx\",\"format\":\"pdf\"}", "format")]
    [InlineData("{\"q\":{\"a\":1},\"source\":\"en\",\"target\":\"xx\"}", "q must be a string")]
    [InlineData("{\"q\":\"  \",\"source\":\"en\",\"target\":\"xx\"}", "missing q")]
    [InlineData("{\"q\":[\"a\",\"b\",\"c\",\"d\"],\"source\":\"en\",\"target\":\"xx\"}", "q has 4 entries; at most 3")]
    public async Task Bad_input_gets_400_with_an_error_field(string json, string expected)
    {
        var (status, body, response) = await Client.PostAndReadAsync("/translate",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        status.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        body.GetProperty("error").GetString().Should().Contain(expected);
    }

    [Fact]
    public async Task Detect_without_q_gets_400()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/detect", Form(("text", "Hello")));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().Should().Contain("missing q");
    }

    [Fact]
    public async Task Bodies_without_q_stay_the_native_apis()
    {
        var (nativeStatus, native, _) = await Client.PostAndReadAsync("/translate", Json(new { text = "Hello", model = "en-xx" }));
        var (formStatus, _, formResponse) = await Client.PostAndReadAsync("/translate", Form(("text", "Hello")));

        nativeStatus.Should().Be(HttpStatusCode.OK);
        native.GetProperty("model").GetString().Should().Be("en-xx");
        native.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be("<0>Hello");
        formStatus.Should().Be(HttpStatusCode.UnsupportedMediaType);
        formResponse.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }
}
