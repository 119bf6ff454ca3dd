using System.Net;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>DeepL's API v2 over raw HTTP, on an open service.</summary>
public sealed class DeepLApiTests(DeepLApiTests.Host host) : IClassFixture<DeepLApiTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ServiceFactory Factory { get; } = Create();

        public void Dispose() => Factory.Dispose();
    }

    private HttpClient Client => host.Factory.CreateClient();

    [Fact]
    public async Task Form_body_with_repeated_text_translates_each_in_order()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/v2/translate",
            Form(("text", "Good morning."), ("text", "Thank you, café!"), ("target_lang", "XX"), ("show_billed_characters", "1")));

        status.Should().Be(HttpStatusCode.OK);
        var translations = body.GetProperty("translations").EnumerateArray().ToList();
        translations.Select(t => t.GetProperty("text").GetString()).Should().Equal("<0>Good morning.", "<0>Thank you, café!");
        translations.Select(t => t.GetProperty("detected_source_language").GetString()).Should().Equal("EN", "EN");
        translations.Select(t => t.GetProperty("billed_characters").GetInt64()).Should().Equal(13, 16);
    }

    [Fact]
    public async Task Json_body_with_regional_target_and_unknown_parameters_is_accepted()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/v2/translate", Json(new
        {
            text = new[] { "Bonjour." },
            source_lang = "fr",
            target_lang = "EN-GB",
            formality = "prefer_more",
            split_sentences = "nonewlines",
            show_billed_characters = true,
            tag_handling = "markdown",
        }));

        status.Should().Be(HttpStatusCode.OK);
        var translation = body.GetProperty("translations")[0];
        translation.GetProperty("text").GetString().Should().Be("<0>Bonjour.");
        translation.GetProperty("detected_source_language").GetString().Should().Be("FR");
    }

    [Fact]
    public async Task Without_source_lang_the_source_is_detected_among_those_with_a_model()
    {
        var (_, body, _) = await Client.PostAndReadAsync("/v2/translate",
            Form(("text", "Le chat dort sur le canapé."), ("target_lang", "xx")));

        body.GetProperty("translations")[0].GetProperty("detected_source_language").GetString().Should().Be("FR");
    }

    [Fact]
    public async Task Xml_tag_handling_keeps_markup()
    {
        var (_, body, _) = await Client.PostAndReadAsync("/v2/translate",
            Form(("text", "<doc><t id=\"1\">Hello</t><br/></doc>"), ("target_lang", "XX"), ("source_lang", "EN"), ("tag_handling", "xml")));

        body.GetProperty("translations")[0].GetProperty("text").GetString()
            .Should().Be("<doc><t id=\"1\">&lt;0&gt;Hello</t><br/></doc>");
    }

    [Theory]
    [InlineData("GET", "/v2/languages", "EN,FR")]
    [InlineData("GET", "/v2/languages?type=source", "EN,FR")]
    [InlineData("GET", "/v2/languages?type=target", "XX,EN-GB,EN-US")]
    [InlineData("POST", "/v2/languages?type=target", "XX,EN-GB,EN-US")]
    public async Task Languages_by_type(string method, string path, string expected)
    {
        var (status, body, _) = await Client.SendAndReadAsync(new HttpMethod(method), path);

        status.Should().Be(HttpStatusCode.OK);
        string.Join(",", body.EnumerateArray().Select(l => l.GetProperty("language").GetString())).Should().Be(expected);
    }

    [Fact]
    public async Task Target_languages_can_be_asked_for_in_a_form_body()
    {
        var (_, body, _) = await Client.PostAndReadAsync("/v2/languages", Form(("type", "target")));

        body.EnumerateArray().Select(l => l.GetProperty("supports_formality").GetBoolean()).Should().AllBeEquivalentTo(false);
        body.GetArrayLength().Should().Be(3);
    }

    [Theory]
    [InlineData("target_lang=XX", "'text' not specified")]
    [InlineData("text=Hi", "'target_lang' not specified")]
    [InlineData("text=Hi&target_lang=DE", "'de' is not available")]
    [InlineData("text=Hi&target_lang=XX&source_lang=JA", "'ja' is not available")]
    public async Task Bad_input_gets_400_with_a_message(string form, string expected)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/v2/translate",
            new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("message").GetString().Should().Contain(expected);
    }

    [Fact]
    public async Task Unknown_language_type_gets_400()
    {
        var (status, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/v2/languages?type=both");

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("message").GetString().Should().Contain("type");
    }

    [Fact]
    public async Task Usage_counts_the_characters_translated()
    {
        using var factory = Create();
        var client = factory.CreateClient();
        await client.PostAndReadAsync("/v2/translate", Form(("text", "12345"), ("text", "678"), ("target_lang", "XX")));
        await client.PostAndReadAsync("/v2/translate", Form(("text", "never billed"), ("target_lang", "DE")));

        var (status, body, _) = await client.SendAndReadAsync(HttpMethod.Get, "/v2/usage");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("character_count").GetInt64().Should().Be(8);
        body.GetProperty("character_limit").GetInt64().Should().Be(1_000_000_000_000);
    }
}
