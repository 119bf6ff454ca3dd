using System.Text.Json;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// The T5 family on its contract bundle (tests/fixtures/tiny-t5: random weights in Flan-T5's layout, written by
/// models/training/tiny_t5.py): config.json read by T5's own keys, the tasks of task_specific_params, and the
/// graphs decoding what the PyTorch model they were exported from decodes (reference.json).
/// </summary>
[Collection(ModelCollection.Name)]
public class T5BundleTests(LoadedModels models)
{
    private TranslationModel Model => models[RepoPaths.TinyT5Bundle];

    private static JsonElement ConfigJson() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Bundle(RepoPaths.TinyT5Bundle), "config.json"))).RootElement;

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
    public void Logits_past_the_tokenizers_ids_are_never_generated()
    {
        Model.Tokenizer.VocabSize.Should().BeLessThan(Model.Config.VocabSize, "the bundle pads its logits as T5's do");

        Model.DefaultSettings.BadWordIds.Should().Equal(Enumerable.Range(Model.Tokenizer.VocabSize, Model.Config.VocabSize - Model.Tokenizer.VocabSize));
    }

    [Fact]
    public void The_tasks_are_the_prefixed_entries_of_task_specific_params_and_translation_entries_are_pairs()
    {
        var entries = ConfigJson().GetProperty("task_specific_params").EnumerateObject().ToList();

        Model.Tasks.Select(t => (t.Name, t.Prefix)).Should().Equal(entries.Select(e => (e.Name, e.Value.GetProperty("prefix").GetString()!)));
        Model.Tasks.Select(t => (t.Name, t.SourceLanguage, t.TargetLanguage)).Should().Contain([
            ("summarization", null, null), ("translation_en_to_de", "en", "de"), ("translation_en_to_fr", "en", "fr")]);
    }

    [Fact]
    public void A_tasks_other_fields_are_its_defaults_over_the_bundles()
    {
        var entries = ConfigJson().GetProperty("task_specific_params");
        var bundle = Model.DefaultSettings;
        foreach (var task in Model.Tasks)
        {
            var entry = entries.GetProperty(task.Name);
            int Int(string name, int fallback) => entry.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;
            var defaults = task.Defaults;

            (defaults.NumBeams, defaults.MaxNewTokens, defaults.MinLength, defaults.NoRepeatNgramSize).Should().Be(
                (Int("num_beams", bundle.NumBeams), Int("max_length", bundle.MaxNewTokens + 1) - 1, Int("min_length", bundle.MinLength),
                    Int("no_repeat_ngram_size", bundle.NoRepeatNgramSize)), task.Name);
            defaults.LengthPenalty.Should().Be(entry.TryGetProperty("length_penalty", out var penalty) ? penalty.GetSingle() : bundle.LengthPenalty);
            defaults.EarlyStopping.Should().Be(entry.TryGetProperty("early_stopping", out var early) ? early.GetBoolean() : bundle.EarlyStopping);
            defaults.BadWordIds.Should().Equal(bundle.BadWordIds, "the padded logits stay banned");
            (defaults.EosTokenId, defaults.DecoderStartTokenId).Should().Be((bundle.EosTokenId, bundle.DecoderStartTokenId));
        }

        (bundle.NumBeams, bundle.MinLength).Should().Be((1, 0), "the bundle's own defaults are generation_config.json's");
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

    [Fact]
    public void Greedy_decoding_equals_the_pytorch_models()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Bundle(RepoPaths.TinyT5Bundle), "reference.json")));
        var maxLength = reference.RootElement.GetProperty("max_length").GetInt32();
        var cases = reference.RootElement.GetProperty("cases").EnumerateArray().ToList();
        var expected = cases.Select(c => c.GetProperty("output_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToList();
        var eos = Model.Config.EosTokenId;
        expected.Should().Contain(e => e.Last() == eos, "some cases end at eos")
            .And.Contain(e => e.Length == maxLength - 1 && e.Last() != eos, "some reach max_length");

        var settings = Model.DefaultSettings with { NumBeams = 1, MaxNewTokens = maxLength - 1 };
        var results = Model.Generate([.. cases.Select(c => new GenerationRequest(
            c.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(), settings))]);

        results.Select(r => r.Sequences[0].TokenIds.ToArray()).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }
}
