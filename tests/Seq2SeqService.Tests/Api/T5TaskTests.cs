using System.Net;
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
/// a 400 naming its tasks. What each must produce is the engine's own decoding of the prefixed source (the engine
/// is held to PyTorch and transformers.js elsewhere); the guards are off so that the answer is that decoding, whole.
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
        });

        public TranslationModel Engine { get; } = TranslationModel.Load(Fixture(Bundles.TinyT5));

        public void Dispose()
        {
            Factory.Dispose();
            Engine.Dispose();
        }
    }

    private HttpClient Client => host.Factory.CreateClient();

    private string Expected(string text, string? task)
    {
        var tokenizer = task is null ? host.Engine.Tokenizer : host.Engine.Tasks.Single(t => t.Name == task).Tokenizer;
        var result = host.Engine.Generate([new GenerationRequest(tokenizer.Encode(text).Ids, host.Engine.DefaultSettings)])[0];
        return host.Engine.DecodeOutput(result.Sequences[0]);
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
        // The default configuration's third bundle (the multilingual model) stays loaded beside these two and adds en → hi.
        targets["en"].Should().Contain(["fr", "de", "ro"]);
        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("translatedText").GetString().Should().Be(Expected(English, "translation_en_to_ro"));
    }
}
