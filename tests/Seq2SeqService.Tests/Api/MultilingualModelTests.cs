using System.Net;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Api;

/// <summary>
/// The shipped multilingual bundle (models/m2m100-tatoeba-en-fr-hi, trained here on Tatoeba) through the compatible
/// APIs, which have no model field: first in the list, it is what LibreTranslate and DeepL reach for English→French;
/// in the default configuration the Marian bundle answers English→French and this one every pair with French or
/// Hindi as the source or Hindi as the target. Each sentence's expected word is the one a translation in the
/// requested direction must hold: a copy of the source, the other direction or another target language fails.
/// </summary>
public sealed class MultilingualModelTests(MultilingualModelTests.Host host) : IClassFixture<MultilingualModelTests.Host>
{
    public sealed class Host : IDisposable
    {
        private readonly Lazy<ServiceFactory> first = new(() => new ServiceFactory(new Dictionary<string, string?>
        {
            ["Service:Models:Bundles:0:Path"] = Path.Combine(Bundles.RepoRoot, "models", Bundles.Multilingual),
            ["Service:Models:Bundles:0:Variant"] = "fp32",
            ["Service:Models:Bundles:2:Path"] = Path.Combine(Bundles.RepoRoot, "tests", "fixtures", Bundles.TinyNllb),
        }));

        private readonly Lazy<ServiceFactory> defaults = new(() => new ServiceFactory());

        /// <summary>The multilingual bundle first, so that it serves English→French too.</summary>
        public ServiceFactory First => first.Value;

        public ServiceFactory Defaults => defaults.Value;

        public void Dispose()
        {
            if (first.IsValueCreated)
            {
                first.Value.Dispose();
            }

            if (defaults.IsValueCreated)
            {
                defaults.Value.Dispose();
            }
        }
    }

    public static TheoryData<string, string, string, string> Sentences => new()
    {
        { "en", "fr", "I'm hungry.", "faim" },
        { "en", "fr", "Where is the station?", "gare" },
        { "en", "fr", "My father is a doctor.", "médecin" },
        { "fr", "en", "J'ai faim.", "hungry" },
        { "fr", "en", "Où est la gare ?", "station" },
        { "fr", "en", "Mon père est médecin.", "doctor" },
    };

    [Theory]
    [MemberData(nameof(Sentences))]
    public async Task LibreTranslate_translates_with_the_bundle(string source, string target, string text, string word)
    {
        var (status, body, _) = await host.First.CreateClient().PostAndReadAsync("/translate", Json(new { q = text, source, target }));

        status.Should().Be(HttpStatusCode.OK);
        ShouldTranslate(body.GetProperty("translatedText").GetString(), text, word);
    }

    [Theory]
    [MemberData(nameof(Sentences))]
    public async Task DeepL_translates_with_the_bundle(string source, string target, string text, string word)
    {
        var (status, body, _) = await host.First.CreateClient().PostAndReadAsync("/v2/translate",
            Form(("text", text), ("source_lang", source.ToUpperInvariant()), ("target_lang", target == "en" ? "EN-US" : target.ToUpperInvariant())));

        status.Should().Be(HttpStatusCode.OK);
        var translation = body.GetProperty("translations")[0];
        translation.GetProperty("detected_source_language").GetString().Should().Be(source.ToUpperInvariant());
        ShouldTranslate(translation.GetProperty("text").GetString(), text, word);
    }

    [Fact]
    public async Task In_the_default_configuration_it_answers_french_to_english()
    {
        var (status, body, _) = await host.Defaults.CreateClient().PostAndReadAsync("/translate",
            Json(new { text = "J'ai faim.", source_language = "fr", target_language = "en" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("model").GetString().Should().Be(Bundles.Multilingual);
        ShouldTranslate(body.GetProperty("translations")[0].GetProperty("text").GetString(), "J'ai faim.", "hungry");
    }

    [Fact]
    public async Task In_the_default_configuration_it_answers_english_to_hindi_in_devanagari()
    {
        var (status, body, _) = await host.Defaults.CreateClient().PostAndReadAsync("/translate",
            Json(new { q = "I'm hungry.", source = "en", target = "hi" }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().MatchRegex(@"^[\p{IsDevanagari}\s\p{P}]+$");
    }

    [Fact]
    public async Task The_default_configurations_languages_hold_every_pair_of_english_french_and_hindi()
    {
        var client = host.Defaults.CreateClient();
        var (status, languages, _) = await client.SendAndReadAsync(HttpMethod.Get, "/languages");
        var (_, sources, _) = await client.SendAndReadAsync(HttpMethod.Get, "/v2/languages?type=source");

        status.Should().Be(HttpStatusCode.OK);
        var targets = languages.EnumerateArray().ToDictionary(l => l.GetProperty("code").GetString()!, l => l.GetProperty("targets").Strings());
        targets.Keys.Should().BeEquivalentTo(["en", "fr", "hi"]);
        targets["en"].Should().BeEquivalentTo(["fr", "hi"]);
        targets["fr"].Should().BeEquivalentTo(["en", "hi"]);
        targets["hi"].Should().BeEquivalentTo(["en", "fr"]);
        sources.EnumerateArray().Select(l => l.GetProperty("language").GetString()).Should().BeEquivalentTo(["EN", "FR", "HI"]);
    }

    private static void ShouldTranslate(string? translation, string text, string word)
    {
        translation.Should().NotBeNullOrWhiteSpace().And.NotBe(text);
        translation!.ToLowerInvariant().Should().Contain(word, $"the translation of \"{text}\" was \"{translation}\"");
    }
}
