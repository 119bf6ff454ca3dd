using System.Text.Json;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// The T5 family on its contract bundles (random weights written by models/training/tiny_t5.py: tests/fixtures/tiny-t5
/// in Flan-T5's layout, tiny-t5-v1 in the original T5's: tied output scaled by d_model ** -0.5, relu):
/// config.json read by T5's own keys, the tasks of task_specific_params, and the graphs decoding what the PyTorch
/// model they were exported from decodes (reference.json).
/// </summary>
[Collection(ModelCollection.Name)]
public class T5BundleTests(LoadedModels models)
{
    public static TheoryData<string> Bundles => [RepoPaths.TinyT5Bundle, RepoPaths.TinyT5V1Bundle];

    private TranslationModel Model => models[RepoPaths.TinyT5Bundle];

    private static JsonElement ConfigJson(string bundle = RepoPaths.TinyT5Bundle) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Bundle(bundle), "config.json"))).RootElement;

    [Fact]
    public void The_shape_comes_from_T5s_keys_with_the_head_size_stated_not_derived()
    {
        var config = ConfigJson();
        var read = Model.Config;

        Model.Family.Name.Should().Be("t5");
        read.EncoderLayers.Should().Be(config.GetProperty("num_layers").GetInt32());
        read.DecoderLayers.Should().Be(config.GetProperty("num_decoder_layers").GetInt32()).And.NotBe(read.EncoderLayers);
        read.DecoderAttentionHeads.Should().Be(config.GetProperty("num_heads").GetInt32());
        read.DecoderHeadSize.Should().Be(config.GetProperty("d_kv").GetInt32()).And.NotBe(read.DModel / read.DecoderAttentionHeads);
        read.MaxPositionEmbeddings.Should().Be(config.GetProperty("n_positions").GetInt32());
        (read.PadTokenId, read.EosTokenId, read.DecoderStartTokenId).Should().Be((0, 1, 0));
        Model.DefaultSettings.DecoderStartTokenId.Should().Be(0);
        Model.DefaultSettings.ForcedBosTokenId.Should().BeNull();
    }

    [Fact]
    public void The_original_t5s_bundle_ties_its_output_as_configs_default_says_with_as_many_decoder_blocks_and_heads_of_d_model_over_heads()
    {
        var config = ConfigJson(RepoPaths.TinyT5V1Bundle);
        var read = models[RepoPaths.TinyT5V1Bundle].Config;

        config.TryGetProperty("tie_word_embeddings", out _).Should().BeFalse("true is the default save_pretrained leaves out");
        config.GetProperty("feed_forward_proj").GetString().Should().Be("relu");
        read.DecoderLayers.Should().Be(read.EncoderLayers).And.Be(config.GetProperty("num_decoder_layers").GetInt32());
        read.DecoderHeadSize.Should().Be(config.GetProperty("d_kv").GetInt32()).And.Be(read.DModel / read.DecoderAttentionHeads);
        (read.PadTokenId, read.EosTokenId, read.DecoderStartTokenId).Should().Be((0, 1, 0));
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Logits_past_the_tokenizers_ids_are_never_generated(string bundle)
    {
        var model = models[bundle];
        model.Tokenizer.VocabSize.Should().BeLessThan(model.Config.VocabSize, "the bundle pads its logits as T5's do");

        model.DefaultSettings.BadWordIds.Should().Equal(Enumerable.Range(model.Tokenizer.VocabSize, model.Config.VocabSize - model.Tokenizer.VocabSize));
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void The_tasks_are_the_prefixed_entries_of_task_specific_params_and_translation_entries_are_pairs(string bundle)
    {
        var model = models[bundle];
        var entries = ConfigJson(bundle).GetProperty("task_specific_params").EnumerateObject().ToList();

        model.Tasks.Select(t => (t.Name, t.Prefix)).Should().Equal(entries.Select(e => (e.Name, e.Value.GetProperty("prefix").GetString()!)));
        model.Tasks.Select(t => (t.Name, t.SourceLanguage, t.TargetLanguage)).Should().Contain([
            ("summarization", null, null), ("translation_en_to_de", "en", "de"), ("translation_en_to_fr", "en", "fr")]);
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void A_tasks_other_fields_are_its_defaults_over_the_bundles(string bundle)
    {
        var model = models[bundle];
        var entries = ConfigJson(bundle).GetProperty("task_specific_params");
        var own = model.DefaultSettings;
        foreach (var task in model.Tasks)
        {
            var entry = entries.GetProperty(task.Name);
            int Int(string name, int fallback) => entry.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;
            var defaults = task.Defaults;

            (defaults.NumBeams, defaults.MaxNewTokens, defaults.MinLength, defaults.NoRepeatNgramSize).Should().Be(
                (Int("num_beams", own.NumBeams), Int("max_length", own.MaxNewTokens + 1) - 1, Int("min_length", own.MinLength),
                    Int("no_repeat_ngram_size", own.NoRepeatNgramSize)), task.Name);
            defaults.LengthPenalty.Should().Be(entry.TryGetProperty("length_penalty", out var penalty) ? penalty.GetSingle() : own.LengthPenalty);
            defaults.EarlyStopping.Should().Be(entry.TryGetProperty("early_stopping", out var early) ? early.GetBoolean() : own.EarlyStopping);
            defaults.BadWordIds.Should().Equal(own.BadWordIds, "the padded logits stay banned");
            (defaults.EosTokenId, defaults.DecoderStartTokenId).Should().Be((own.EosTokenId, own.DecoderStartTokenId));
        }

        (own.NumBeams, own.MinLength).Should().Be((1, 0), "the bundle's own defaults are generation_config.json's");
    }

    [Fact]
    public void A_task_field_of_the_wrong_type_fails_the_load_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("tiny-t5-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.Bundle(RepoPaths.TinyT5Bundle)))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var config = Path.Combine(folder, "config.json");
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"num_beams\": 4", "\"num_beams\": \"four\"", StringComparison.Ordinal));

            var load = () => TranslationModel.Load(folder);

            load.Should().Throw<ModelBundleException>().Which.Item.Should().StartWith("task_specific_params.").And.EndWith(".num_beams");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_task_writes_its_prefix_before_the_text_in_one_string_and_eos_last()
    {
        const string text = "The cat is sleeping on the sofa.";
        foreach (var task in Model.Tasks)
        {
            var written = task.Tokenizer.Encode(text);

            written.Ids.Should().Equal(Model.Tokenizer.Encode(task.Prefix + text).Ids, task.Name);
            written.Ids[^1].Should().Be(Model.Config.EosTokenId);
            written.Ids.Length.Should().BeGreaterThan(Model.Tokenizer.Encode(text).Ids.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Greedy_decoding_equals_the_pytorch_models(string bundle)
    {
        var model = models[bundle];
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Bundle(bundle), "reference.json")));
        var maxLength = reference.RootElement.GetProperty("max_length").GetInt32();
        var cases = reference.RootElement.GetProperty("cases").EnumerateArray().ToList();
        var expected = cases.Select(c => c.GetProperty("output_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToList();
        var eos = model.Config.EosTokenId;
        expected.Should().Contain(e => e.Last() == eos, "some cases end at eos")
            .And.Contain(e => e.Length == maxLength - 1 && e.Last() != eos, "some reach max_length");

        var settings = model.DefaultSettings with { NumBeams = 1, MaxNewTokens = maxLength - 1 };
        var results = model.Generate([.. cases.Select(c => new GenerationRequest(
            c.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(), settings))]);

        results.Select(r => r.Sequences[0].TokenIds.ToArray()).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }
}
