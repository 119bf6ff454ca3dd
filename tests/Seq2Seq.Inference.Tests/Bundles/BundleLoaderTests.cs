using System.Text.Json.Nodes;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Bundles;

/// <summary>Loading the real bundles, and copies of the tiny one with one thing broken each.</summary>
public sealed class BundleLoaderTests : IDisposable
{
    private readonly string _folder = ConfigJson.TemporaryFolder("bundle");

    public BundleLoaderTests()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Bundle(RepoPaths.TinyBundle)))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_default_bundle_loads_with_the_merged_decoder()
    {
        using var model = TranslationModel.Load(RepoPaths.Bundle(RepoPaths.DefaultBundle));

        model.Name.Should().Be(RepoPaths.DefaultBundle);
        model.Files.MergedDecoder.Should().NotBeNull();
        model.Config.ModelType.Should().Be("marian");
        model.Family.Should().BeSameAs(KnownFamilies.Marian);
        model.DefaultSettings.NumBeams.Should().Be(4);
        model.DefaultSettings.BadWordIds.Should().Equal(model.Config.PadTokenId);
        model.DefaultSettings.DecoderStartTokenId.Should().Be(model.Config.PadTokenId);
        model.Tokenizer.VocabSize.Should().Be(model.Config.VocabSize);
        (model.SourceLanguage, model.TargetLanguage).Should().Be(("en", "fr"));
    }

    [Fact]
    public void The_tiny_bundle_loads_with_the_separate_decoders()
    {
        using var model = TranslationModel.Load(_folder);

        model.Files.MergedDecoder.Should().BeNull();
        model.Files.Decoder.Should().EndWith(BundleFiles.DecoderFile);
        model.Files.DecoderWithPast.Should().EndWith(BundleFiles.DecoderWithPastFile);
        model.Config.DecoderLayers.Should().BeGreaterThan(0);
        model.Runner.SupportsJoins.Should().BeTrue("both decoders take decoder_attention_mask as an overridable initializer");
    }

    [Fact]
    public void The_tiny_recurrent_bundle_loads_with_the_recurrent_runner()
    {
        using var model = TranslationModel.Load(RepoPaths.Bundle(RepoPaths.TinyRecurrentBundle));

        model.Family.Should().BeSameAs(KnownFamilies.GruAttention);
        model.Runner.Should().BeOfType<Seq2Seq.Inference.Runtime.RecurrentModelRunner>();
        model.Runner.ProvidesAttention.Should().BeTrue();
        model.Files.Decoder.Should().EndWith(BundleFiles.DecoderFile);
        model.Files.DecoderWithPast.Should().BeNull();
        model.Tokenizer.VocabSize.Should().Be(model.Config.VocabSize);
    }

    [Fact]
    public void Transformer_graphs_under_a_recurrent_config_fail_naming_file_and_tensor()
    {
        EditConfig(c =>
        {
            c["model_type"] = KnownFamilies.GruAttention.ModelTypes[0];
            c["max_source_length"] = 64;
        });

        var error = Load().Which;

        error.FilePath.Should().Be(Path.Combine(_folder, BundleFiles.EncoderFile));
        error.Item.Should().Be("initial_state.0");
        error.Message.Should().Contain(BundleFiles.EncoderFile).And.Contain("initial_state.0");
    }

    [Fact]
    public void A_config_of_no_registered_family_fails_before_any_graph_opens()
    {
        EditConfig(c => c["model_type"] = "pegasus");
        File.Delete(Path.Combine(_folder, BundleFiles.EncoderFile));

        var error = Load().Which;

        error.FilePath.Should().Be(Path.Combine(_folder, BundleFiles.ConfigFile));
        error.Item.Should().Be("model_type");
        error.Message.Should().Contain("'pegasus'").And.Contain(KnownFamilies.Marian.Name).And.Contain(KnownFamilies.GruAttention.Name);
    }

    [Theory]
    [InlineData("decoder_layers", 1, BundleFiles.DecoderFile, "present.{L}.decoder.key")]
    [InlineData("decoder_attention_heads", 2, BundleFiles.DecoderFile, "present.0.decoder.key")]
    [InlineData("d_model", 2, BundleFiles.EncoderFile, "last_hidden_state")]
    [InlineData("decoder_vocab_size", 1, BundleFiles.DecoderFile, "logits")]
    public void A_config_that_contradicts_the_graphs_fails_naming_file_and_tensor(string field, int factor, string file, string tensor)
    {
        var config = EditConfig(c =>
        {
            var value = c[field]!.GetValue<int>();
            c[field] = factor == 1 ? value + 1 : value * factor;
        });
        tensor = tensor.Replace("{L}", config["decoder_layers"]!.GetValue<int>() is var layers ? (layers - 1).ToString() : "");

        var error = Load().Which;

        error.FilePath.Should().Be(Path.Combine(_folder, file));
        error.Item.Should().Be(tensor);
        error.Message.Should().Contain(file).And.Contain(tensor);
    }

    [Fact]
    public void A_missing_decoder_file_is_named()
    {
        File.Delete(Path.Combine(_folder, BundleFiles.DecoderWithPastFile));

        Load().Which.FilePath.Should().Be(Path.Combine(_folder, BundleFiles.DecoderWithPastFile));
    }

    [Fact]
    public void A_corrupt_onnx_file_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, BundleFiles.EncoderFile), "not a model");

        Load().Which.Message.Should().StartWith(Path.Combine(_folder, BundleFiles.EncoderFile)).And.Contain("ONNX Runtime");
    }

    [Fact]
    public void Malformed_config_json_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, BundleFiles.ConfigFile), "{ \"d_model\": ");

        Load().Which.FilePath.Should().Be(Path.Combine(_folder, BundleFiles.ConfigFile));
    }

    [Fact]
    public void A_missing_config_field_is_named()
    {
        EditConfig(c => c.Remove("decoder_attention_heads"));

        var error = Load().Which;
        error.FilePath.Should().EndWith(BundleFiles.ConfigFile);
        error.Item.Should().Be("decoder_attention_heads");
    }

    [Fact]
    public void An_invalid_generation_default_is_named()
    {
        var path = Path.Combine(_folder, BundleFiles.GenerationConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["num_beams"] = 0;
        File.WriteAllText(path, json.ToJsonString());

        var error = Load().Which;
        error.FilePath.Should().Be(path);
        error.Item.Should().Be("num_beams");
    }

    [Fact]
    public void A_forced_first_token_is_read_and_every_output_starts_with_it_greedy_and_beam()
    {
        var path = Path.Combine(_folder, BundleFiles.GenerationConfigFile);
        ConfigJson.Edit(path, path, json => json["forced_bos_token_id"] = 7);
        using var model = TranslationModel.Load(_folder);

        model.DefaultSettings.ForcedBosTokenId.Should().Be(7);
        foreach (var beams in new[] { 1, 3 })
        {
            var outputs = model.Generate([.. new[] { "Hello.", "Where is the station?" }
                .Select(t => new GenerationRequest(model.EncodeSource(t), model.DefaultSettings with { NumBeams = beams }))]);
            outputs.SelectMany(o => o.Sequences).Should().OnlyContain(s => s.TokenIds[0] == 7, $"num_beams {beams}");
        }
    }

    [Fact]
    public void A_forced_first_token_outside_the_vocabulary_is_named()
    {
        var path = Path.Combine(_folder, BundleFiles.GenerationConfigFile);
        ConfigJson.Edit(path, path, json => json["forced_bos_token_id"] = 1_000_000);

        Load().Which.Item.Should().Be("forced_bos_token_id");
    }

    private FluentAssertions.Specialized.ExceptionAssertions<ModelBundleException> Load()
    {
        var act = () => TranslationModel.Load(_folder).Dispose();
        return act.Should().Throw<ModelBundleException>();
    }

    private JsonObject EditConfig(Action<JsonObject> edit)
    {
        var path = Path.Combine(_folder, BundleFiles.ConfigFile);
        return ConfigJson.Edit(path, path, edit);
    }
}
