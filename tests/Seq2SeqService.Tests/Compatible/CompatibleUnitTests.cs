using Microsoft.Extensions.Options;
using Seq2SeqService.Auth;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Endpoints.DeepL;
using Seq2SeqService.Html;

namespace Seq2SeqService.Tests.Compatible;

public sealed class CompatibleUnitTests
{
    [Theory]
    [InlineData("The cat is sleeping on the sofa.", "en")]
    [InlineData("Le chat dort sur le canapé, c'est l'heure.", "fr")]
    [InlineData("Die Katze schläft auf dem Sofa und ich bin müde.", "de")]
    [InlineData("El gato duerme en el sofá de la casa.", "es")]
    [InlineData("Кошка спит на диване, и я не знаю где он.", "ru")]
    [InlineData("猫はソファで寝ています。", "ja")]
    public void Detector_tells_common_languages_apart(string text, string expected)
    {
        var all = new[] { "en", "fr", "de", "es", "ru", "ja", "zh" };

        LanguageDetector.Detect(text, all)[0].Language.Should().Be(expected);
    }

    [Fact]
    public void Detector_only_answers_candidates_and_gives_a_foreign_script_no_confidence()
    {
        var results = LanguageDetector.Detect("Кошка спит.", ["en"]);

        results.Should().ContainSingle().Which.Should().Be(new DetectedLanguage("en", 0));
    }

    [Fact]
    public void Markup_split_keeps_every_character_and_finds_only_text_nodes()
    {
        const string html = "<!DOCTYPE html><p title='1 > 0'>a < b</p><style>p>b{}</style><![CDATA[<x>]]>tail";

        var parts = Markup.Split(html);

        string.Concat(parts.Select(p => p.Raw)).Should().Be(html);
        parts.Where(p => p.IsText).Select(p => p.Raw).Should().Equal("a < b", "tail");
    }

    [Theory]
    [InlineData("EN-GB", "en")]
    [InlineData("pt-br", "pt")]
    [InlineData("ZH-HANS", "zh")]
    [InlineData(" FR ", "fr")]
    public void DeepL_codes_map_to_their_language(string deepl, string model) =>
        DeepLLanguageCodes.ToModel(deepl).Should().Be(model);

    [Fact]
    public void Key_store_finds_the_holder_of_a_key_and_nothing_for_near_misses()
    {
        var store = new ApiKeyStore(Microsoft.Extensions.Options.Options.Create(new AuthOptions
        {
            ApiKeys = [new ApiKeyOptions { Key = "secret-one", Name = "one" }, new ApiKeyOptions { Key = "secret-two" }],
        }));

        store.Find("secret-one")!.Name.Should().Be("one");
        store.Find("secret-two")!.Name.Should().Be("key-1");
        store.Find("secret-on").Should().BeNull();
        store.Find("SECRET-ONE").Should().BeNull();
        store.Find("").Should().BeNull();
        store.Find(null).Should().BeNull();
    }

    [Fact]
    public void Quota_resets_at_the_start_of_the_next_utc_month()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero));
        var quota = new CharacterQuota(clock);
        var caller = new ApiCaller("c", 0, 10);

        quota.TryCharge(caller, 7, out _).Should().BeTrue();
        quota.TryCharge(caller, 4, out var used).Should().BeFalse();
        used.Should().Be(7);
        quota.UntilReset.Should().Be(TimeSpan.FromHours(1));

        clock.Now = new DateTimeOffset(2026, 2, 1, 0, 0, 1, TimeSpan.Zero);
        quota.Used(caller).Should().Be(0);
        quota.TryCharge(caller, 10, out _).Should().BeTrue();
        quota.Refund(caller, 3);
        quota.Used(caller).Should().Be(7);
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
