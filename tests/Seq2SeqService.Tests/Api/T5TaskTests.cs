using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Api;

/// <summary>
/// A T5 bundle (tests/fixtures/tiny-t5: summarization and translation en→de, en→fr, en→ro by prefix) beside a
/// bilingual one (tiny-marian, en→fr): the native <c>task</c> writes a task's prefix before every sentence, each
/// API's language fields choose a translation task, the lists hold the tasks' pairs, and a task the bundle lacks is
/// a 400 naming its tasks, and a task's other fields (beams, lengths) are its defaults under a request's options. What
/// each must produce is the engine's own decoding of the prefixed source with the task's settings (the engine is held
/// to PyTorch and transformers.js elsewhere); the guards are off so that the answer is that decoding, whole.
/// </summary>
public sealed class T5TaskTests(T5TaskTests.Host host) : IClassFixture<T5TaskTests.Host>
{
    private const string English = "The cat is sleeping on the sofa.";

    public sealed class Host : IDisposable
    {
        private static string Fixture(string name) => Path.Combine(Bundles.RepoRoot, "tests", "fixtures", name);

        public ServiceFactory Factory { get; } = new(new Dictionary<string, string?>
        {
            ["Service:Models:Bundles:0:Path"] = Fixture(Bundles.Tiny),
            ["Service:Models:Bundles:1:Path"] = Fixture(Bundles.TinyT5),
            ["Service:Models:Bundles:1:RepeatGuard"] = "0",
            ["Service:Models:Bundles:1:MaxLengthFactor"] = "100",
        }, ownBundles: true);

        public TranslationModel Engine { get; } = TranslationModel.Load(Fixture(Bundles.TinyT5));

        public void Dispose()
        {
            Factory.Dispose();
            Engine.Dispose();
        }
    }

    private HttpClient Client => host.Factory.CreateClient();

    private string Expected(string text, string? task, Func<GenerationSettings, GenerationSettings>? options = null)
    {
        var chosen = task is null ? null : host.Engine.Tasks.Single(t => t.Name == task);
        var settings = chosen?.Defaults ?? host.Engine.DefaultSettings;
        var tokenizer = chosen?.Tokenizer ?? host.Engine.Tokenizer;
        var result = host.Engine.Generate([new GenerationRequest(tokenizer.Encode(text).Ids, options?.Invoke(settings) ?? settings)])[0];
        return host.Engine.DecodeOutput(result.Sequences[0]);
    }

    [Fact]
    public async Task A_tasks_fields_are_its_defaults_and_the_models_stay_its_own()
    {
        var (_, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/models");

        var t5 = body.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == Bundles.TinyT5);
        var defaults = t5.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!,
            t => t.GetProperty("generation_defaults"));
        // tiny-t5's config.json: summarization num_beams 4, max_length 200, length_penalty 2, no_repeat_ngram_size 3;
        // the translations num_beams 4, max_length 300; its generation_config.json: max_length 24, greedy.
        int Of(JsonElement options, string name) => options.GetProperty(name).GetInt32();
        (Of(defaults["summarization"], "num_beams"), Of(defaults["summarization"], "max_new_tokens"),
            defaults["summarization"].GetProperty("length_penalty").GetDouble(), Of(defaults["summarization"], "no_repeat_ngram_size"))
            .Should().Be((4, 199, 2.0, 3));
        (Of(defaults["translation_en_to_fr"], "num_beams"), Of(defaults["translation_en_to_fr"], "max_new_tokens"),
            Of(defaults["translation_en_to_fr"], "no_repeat_ngram_size")).Should().Be((4, 299, 0));
        (Of(t5.GetProperty("generation_defaults"), "num_beams"), Of(t5.GetProperty("generation_defaults"), "max_new_tokens"))
            .Should().Be((1, 23));
        var summarization = host.Engine.Tasks.Single(t => t.Name == "summarization").Defaults;
        (summarization.MinLength, summarization.EarlyStopping).Should().Be((30, true), "not request options, but applied");
    }

    [Fact]
    public async Task A_requests_options_win_over_the_tasks_defaults()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text = English, model = Bundles.TinyT5, task = "summarization", options = new { num_beams = 1, no_repeat_ngram_size = 0 } }));

        status.Should().Be(HttpStatusCode.OK);
        var translation = body.GetProperty("translations")[0];
        translation.GetProperty("text").GetString().Should().Be(Expected(English, "summarization", s => s with { NumBeams = 1, NoRepeatNgramSize = 0 }))
            .And.NotBe(Expected(English, "summarization"), "the task's beams and n-gram rule would decode otherwise");
        translation.GetProperty("output_tokens").GetInt32().Should().BeGreaterThanOrEqualTo(29, "the task's min_length 30 holds, the start counted");
    }

    [Theory]
    [InlineData("summarization")]
    [InlineData("translation_en_to_ro")]
    public async Task The_native_task_writes_its_prefix_before_the_text(string task)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { text = English, model = Bundles.TinyT5, task }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected(English, task))
            .And.NotBe(Expected(English, null), "the prefix changes what the model reads");
    }

    [Theory]
    [InlineData("en", "fr", "translation_en_to_fr")]
    [InlineData("en", "de", "translation_en_to_de")]
    public async Task The_native_languages_choose_the_translation_task(string source, string target, string task)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text = English, model = Bundles.TinyT5, source_language = source, target_language = target }));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be(Expected(English, task));
    }

    [Fact]
    public void A_task_is_one_view_of_the_model_and_its_pair_is_that_view()
    {
        var catalog = host.Factory.Services.GetRequiredService<IModelCatalog>();
        catalog.TryGet(Bundles.TinyT5, out var t5).Should().BeTrue();

        t5.ForTask("translation_en_to_fr").Should().BeSameAs(t5.ForPair("en", "fr")).And.NotBeSameAs(t5);
        t5.ForTask("summarization")!.Tokenize("x").Pieces.Should().StartWith(t5.Tokenize("summarize:").Pieces.SkipLast(1));
        t5.ForTask("summarize").Should().BeNull();
        t5.ForPair("fr", "en").Should().BeNull();
    }

    [Theory]
    [InlineData(Bundles.TinyT5, "summarize", "is not a task of model 'tiny-t5'; its tasks: summarization, translation_en_to_de, translation_en_to_fr, translation_en_to_ro.")]
    [InlineData(Bundles.Tiny, "summarization", "is not a task of model 'tiny-marian', which has none.")]
    public async Task An_unknown_task_is_a_400_naming_the_models_tasks(string model, string task, string message)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { text = English, model, task }));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("errors").GetProperty("task")[0].GetString().Should().Be($"'{task}' {message}");
    }

    [Fact]
    public async Task A_task_with_languages_is_a_400()
    {
        var (status, body, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text = English, model = Bundles.TinyT5, task = "summarization", source_language = "en", target_language = "fr" }));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("errors").GetProperty("task")[0].GetString().Should().Contain("source_language");
    }

    [Fact]
    public async Task Models_lists_the_tasks_and_their_pairs_and_a_pair_no_task_serves_names_them()
    {
        var (_, body, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/models");
        var (status, refused, _) = await Client.PostAndReadAsync("/translate",
            Json(new { text = English, model = Bundles.TinyT5, source_language = "fr", target_language = "en" }));

        body.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString())
            .Should().Equal([Bundles.Tiny, Bundles.TinyT5], "the host's bundle list replaces appsettings.json's");
        var t5 = body.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == Bundles.TinyT5);
        t5.GetProperty("tasks").EnumerateArray().Select(t => (t.GetProperty("name").GetString(), t.GetProperty("prefix").GetString()))
            .Should().Contain([("summarization", "summarize: "), ("translation_en_to_fr", "translate English to French: ")]);
        t5.GetProperty("pairs").EnumerateArray().Select(p => $"{p.GetProperty("source").GetString()}-{p.GetProperty("target").GetString()}")
            .Should().Equal("en-de", "en-fr", "en-ro");
        status.Should().Be(HttpStatusCode.BadRequest);
        refused.GetProperty("errors").GetProperty("target_language")[0].GetString().Should().Contain("served: tiny-t5: en → de, en → fr, en → ro");
    }

    [Fact]
    public async Task LibreTranslate_lists_and_translates_the_task_pairs()
    {
        var (_, languages, _) = await Client.SendAndReadAsync(HttpMethod.Get, "/languages");
        var (status, body, _) = await Client.PostAndReadAsync("/translate", Json(new { q = English, source = "en", target = "ro" }));

        var targets = languages.EnumerateArray().ToDictionary(l => l.GetProperty("code").GetString()!, l => l.GetProperty("targets").Strings());
        targets["en"].Should().BeEquivalentTo(["fr", "de", "ro"]);
        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be(Expected(English, "translation_en_to_ro"));
    }
}
