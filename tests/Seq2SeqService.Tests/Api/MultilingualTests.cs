using System.Net;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Api;

/// <summary>
/// A multilingual bundle (tests/fixtures/tiny-nllb: English, French, Hindi) beside a bilingual one (tiny-marian,
/// en→fr): each API picks the pair by its own language fields, the language lists hold every pair, and a pair no
/// bundle serves is a 400 in the API's own shape. What each pair must produce is the engine's own decoding of the
/// source written with its language's token and the target's token forced (the engine is held to PyTorch and
/// transformers.js elsewhere); the guards are off so that the service's answer is that decoding, whole.
/// </summary>
public sealed class MultilingualTests(MultilingualTests.Host host) : IClassFixture<MultilingualTests.Host>
{
    private const string English = "The cat is sleeping on the sofa.";
    private const string French = "Je ne sais pas ce que tu veux dire.";

    public sealed class Host : IDisposable
    {
        private static string Fixture(string name) => Path.Combine(Bundles.RepoRoot, "tests", "fixtures", name);

        public ServiceFactory Factory { get; } = new(new Dictionary<string, string?>
        {
            ["Service:Models:Bundles:0:Path"] = Fixture(Bundles.Tiny),
            ["Service:Models:Bundles:1:Path"] = Fixture(Bundles.TinyNllb),
            ["Service:Models:Bundles:1:RepeatGuard"] = "0",
            ["Service:Models:Bundles:1:MaxLengthFactor"] = "100",
        }, ownBundles: true);

        public TranslationModel Engine { get; } = TranslationModel.Load(Fixture(Bundles.TinyNllb));

        public void Dispose()
        {
            Factory.Dispose();
            Engine.Dispose();
        }
    }

    private HttpClient Client => host.Factory.CreateClient();

    private string Expected(string text, string source, string target)
    {
        var languages = host.Engine.Languages!;
        var settings = host.Engine.DefaultSettings with { ForcedBosTokenId = languages.TargetTokenId(target) };
        var result = host.Engine.Generate([new GenerationRequest(languages.SourceTokenizer(source).Encode(text).Ids, settings)])[0];
        return host.Engine.DecodeOutput(result.Sequences[0]);
    }

    [Theory]
    [InlineData(English, "en", "fr")]
    [InlineData(English, "en", "hi")]
    [InlineData(French, "fr", "en")]
    [InlineData(French, "fr", "hi")]
    public async Task The_native_api_translates_the_pair_its_language_fields_name(string text, string source, string target)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text, model = Bundles.TinyNllb, source_language = source, target_language = target }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("model").GetString().Should().Be(Bundles.TinyNllb);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected(text, source, target));
    }

    [Fact]
    public void A_pair_is_one_model_to_the_scheduler_and_the_bundles_own_pair_is_the_bundle()
    {
        var catalog = host.Factory.Services.GetRequiredService<IModelCatalog>();
        catalog.TryGet(Bundles.TinyNllb, out var nllb).Should().BeTrue();

        nllb.ForPair("en", "fr").Should().BeSameAs(nllb, "rows naming the bundle's own pair batch with those naming none");
        nllb.ForPair("en", "hi").Should().BeSameAs(nllb.ForPair("en", "hi")).And.NotBeSameAs(nllb);
        nllb.ForPair("en", "hi")!.Defaults.ForcedBosTokenId.Should().Be(host.Engine.Languages!.TargetTokenId("hi"));
        nllb.ForPair("en", "de").Should().BeNull();
    }

    [Fact]
    public void Targets_and_sources_change_the_output()
    {
        Expected(English, "en", "fr").Should().NotBe(Expected(English, "en", "hi"));
        Expected(English, "en", "fr").Should().NotBe(Expected(English, "hi", "fr"));
    }

    [Fact]
    public async Task Without_a_model_the_first_bundle_serving_the_pair_answers()
    {
        var (_, enFr, _) = await Client.PostAndReadAsync("/translate", Json(new { text = English, source_language = "en", target_language = "fr" }));
        var (_, frEn, _) = await Client.PostAndReadAsync("/translate", Json(new { text = French, source_language = "FR", target_language = "en" }));

        enFr.GetProperty("model").GetString().Should().Be(Bundles.Tiny);
        frEn.GetProperty("model").GetString().Should().Be(Bundles.TinyNllb);
        frEn.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected(French, "fr", "en"));
    }

    [Theory]
    [InlineData(null, "en", "de", "target_language", "tiny-marian: en → fr; tiny-nllb: any two of en, fr, hi")]
    [InlineData(Bundles.Tiny, "en", "hi", "target_language", "tiny-marian: en → fr")]
    [InlineData(Bundles.TinyNllb, "fr", "fr", "target_language", "tiny-nllb: any two of en, fr, hi")]
    [InlineData(Bundles.TinyNllb, "de", null, "source_language", "tiny-nllb: any two of en, fr, hi")]
    public async Task A_pair_no_bundle_serves_is_a_400_naming_the_field_and_what_is_served(string? model, string? source, string? target,
        string field, string served)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text = English, model, source_language = source, target_language = target }));

        status.Should().Be(HttpStatusCode.BadRequest);
        var message = body.GetProperty("errors").GetProperty(field)[0].GetString();
        message.Should().Contain($"{source ?? "(its source)"} → {target ?? "(its target)"}").And.Contain($"served: {served}");
    }

    [Fact]
    public async Task LibreTranslate_translates_and_lists_every_pair()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { q = French, source = "fr", target = "hi" }));
        var (_, languages, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/languages");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be(Expected(French, "fr", "hi"));
        var targets = languages.EnumerateArray().ToDictionary(l => l.GetProperty("code").GetString()!, l => l.GetProperty("targets").Strings());
        targets.Keys.Should().BeEquivalentTo(["en", "fr", "hi"]);
        targets["en"].Should().BeEquivalentTo(["fr", "hi"]);
        targets["hi"].Should().BeEquivalentTo(["en", "fr"]);
    }

    [Fact]
    public async Task LibreTranslate_source_auto_detects_among_the_languages_of_the_bundle()
    {
        const string hindi = "मैं घर जा रहा हूँ।";

        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { q = hindi, source = "auto", target = "en" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("detectedLanguage").GetProperty("language").GetString().Should().Be("hi");
        body.GetProperty("translatedText").GetString().Should().Be(Expected(hindi, "hi", "en"));
    }

    [Fact]
    public async Task LibreTranslate_refuses_an_unserved_target_in_its_own_shape()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { q = English, source = "en", target = "de" }));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().Should().Contain("'de'");
    }

    [Fact]
    public async Task DeepL_translates_and_lists_every_target_and_refuses_an_unserved_one_in_its_own_shape()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/v2/translate", Form(("text", English), ("source_lang", "EN"), ("target_lang", "HI")));
        var (refused, error, _) = await Client.PostAndReadAsync("/v2/translate", Form(("text", English), ("target_lang", "DE")));
        var (_, targets, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/v2/languages?type=target");

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected(English, "en", "hi"));
        refused.Should().Be(HttpStatusCode.BadRequest);
        error.GetProperty("message").GetString().Should().Contain("'de'");
        targets.EnumerateArray().Select(l => l.GetProperty("language").GetString()).Should().Contain(["FR", "HI"]).And.Contain(l => l!.StartsWith("EN"));
    }

    [Fact]
    public async Task Models_lists_the_languages_and_every_pair()
    {
        var (_, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/models");

        var models = body.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        models[Bundles.TinyNllb].GetProperty("languages").Strings().Should().Equal("en", "fr", "hi");
        var pairs = models[Bundles.TinyNllb].GetProperty("pairs").EnumerateArray()
            .Select(p => $"{p.GetProperty("source").GetString()}-{p.GetProperty("target").GetString()}").ToList();
        pairs.Should().Equal("en-fr", "en-hi", "fr-en", "fr-hi", "hi-en", "hi-fr");
        models[Bundles.Tiny].GetProperty("pairs").EnumerateArray().Should().ContainSingle();
    }
}
