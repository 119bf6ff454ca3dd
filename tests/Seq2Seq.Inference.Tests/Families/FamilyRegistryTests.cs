using System.Text.Json.Nodes;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Bundles;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// Which family a config.json belongs to, and that each family reads the shape under its own keys: the committed
/// bundles' configs, and edited or made-up ones written to a temporary folder.
/// </summary>
public sealed class FamilyRegistryTests : IDisposable
{
    private readonly string _folder = ConfigJson.TemporaryFolder("family");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Bundles => new()
    {
        { RepoPaths.DefaultBundle, "marian" },
        { RepoPaths.TinyBundle, "marian" },
        { RepoPaths.RecurrentBundle, "gru-attention" },
        { RepoPaths.TinyRecurrentBundle, "gru-attention" },
        { RepoPaths.TinyT5Bundle, "t5" },
        { RepoPaths.TinyT5V1Bundle, "t5" },
        { RepoPaths.TinyBartBundle, "bart" },
    };

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Each_committed_bundle_is_recognised_as_its_family(string bundle, string family)
    {
        var (recognised, config) = KnownFamilies.Registry.Read(Path.Combine(RepoPaths.Bundle(bundle), BundleFiles.ConfigFile));

        recognised.Name.Should().Be(family);
        config.ModelType.Should().Be(family);
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Without_model_type_the_architectures_name_the_family(string bundle, string family)
    {
        var path = Edit(bundle, c => c.Remove("model_type"));

        var (recognised, config) = KnownFamilies.Registry.Read(path);

        recognised.Name.Should().Be(family);
        config.ModelType.Should().Be(recognised.ModelTypes[0]);
    }

    [Fact]
    public void An_unknown_model_type_is_refused_naming_it_and_the_supported_families()
    {
        var path = Edit(RepoPaths.TinyBundle, c => c["model_type"] = "pegasus");

        var error = Read(path).Which;

        error.FilePath.Should().Be(path);
        error.Item.Should().Be("model_type");
        error.Message.Should().Contain("'pegasus'");
        foreach (var family in KnownFamilies.Registry.Families)
        {
            error.Message.Should().Contain(family.Name).And.Contain(family.ModelTypes[0]);
        }
    }

    [Fact]
    public void Neither_model_type_nor_a_known_architecture_is_refused_naming_the_architectures()
    {
        var path = Edit(RepoPaths.TinyBundle, c =>
        {
            c.Remove("model_type");
            c["architectures"] = new JsonArray("PegasusForConditionalGeneration");
        });

        var error = Read(path).Which;

        error.Item.Should().Be("model_type");
        error.Message.Should().Contain("PegasusForConditionalGeneration").And.Contain(KnownFamilies.Marian.Name);
    }

    [Fact]
    public void Marian_derives_the_head_size_and_prefers_the_decoder_vocabulary()
    {
        var path = Edit(RepoPaths.TinyBundle, c => c["vocab_size"] = c["decoder_vocab_size"]!.GetValue<int>() + 100);

        var (_, config) = KnownFamilies.Registry.Read(path);

        config.DecoderHeadSize.Should().Be(config.DModel / config.DecoderAttentionHeads);
        config.HeadSizeSource.Should().Be("d_model / decoder_attention_heads");
        config.VocabSize.Should().Be(400, "decoder_vocab_size wins over vocab_size");
    }

    [Fact]
    public void Marian_refuses_heads_that_do_not_divide_d_model()
    {
        var path = Edit(RepoPaths.TinyBundle, c => c["decoder_attention_heads"] = 3);

        var error = Read(path).Which;

        error.Item.Should().Be("decoder_attention_heads");
        error.Message.Should().Contain("d_model");
    }

    [Fact]
    public void The_recurrent_family_reads_max_source_length_and_no_transformer_shape()
    {
        var path = Edit(RepoPaths.TinyRecurrentBundle, c => c["max_source_length"] = 77);

        var (_, config) = KnownFamilies.Registry.Read(path);

        config.MaxPositionEmbeddings.Should().Be(77);
        config.DModel.Should().Be(0);
        config.DecoderLayers.Should().Be(0);
    }

    [Fact]
    public void Marian_reads_its_own_position_key_not_the_recurrent_one()
    {
        var path = Edit(RepoPaths.TinyBundle, c =>
        {
            c["max_source_length"] = c["max_position_embeddings"]!.GetValue<int>();
            c.Remove("max_position_embeddings");
        });

        Read(path).Which.Item.Should().Be("max_position_embeddings");
    }

    [Fact]
    public void T5_reads_its_own_head_size_key_instead_of_deriving_it_and_its_layers_and_positions_fall_back()
    {
        // t5-3b's shape (32 heads of 128 over d_model 1024), with no num_decoder_layers or n_positions stated (as T5 v1.1).
        var path = Write(new JsonObject
        {
            ["model_type"] = "t5",
            ["d_model"] = 1024,
            ["d_kv"] = 128,
            ["num_heads"] = 32,
            ["num_layers"] = 24,
            ["vocab_size"] = 32128,
            ["pad_token_id"] = 0,
            ["eos_token_id"] = 1,
            ["decoder_start_token_id"] = 0,
        });

        var (family, config) = KnownFamilies.Registry.Read(path);

        family.Should().BeSameAs(KnownFamilies.T5);
        config.DecoderHeadSize.Should().Be(128, "d_kv states it; d_model / num_heads would give 32");
        config.HeadSizeSource.Should().Be("d_kv");
        config.DecoderLayers.Should().Be(24, "num_decoder_layers falls back to num_layers");
        config.DecoderAttentionHeads.Should().Be(32);
        config.MaxPositionEmbeddings.Should().Be(512, "T5 v1.1 states no n_positions: the length it was trained at");
    }

    [Fact]
    public void T5s_head_size_need_not_divide_d_model()
    {
        // flan-t5-small's shape: 6 heads of 64 over d_model 512, 8 encoder and 8 decoder blocks.
        var path = Write(new JsonObject
        {
            ["architectures"] = new JsonArray("T5ForConditionalGeneration"),
            ["d_model"] = 512,
            ["d_kv"] = 64,
            ["num_heads"] = 6,
            ["num_layers"] = 8,
            ["num_decoder_layers"] = 8,
            ["vocab_size"] = 32128,
            ["n_positions"] = 512,
            ["pad_token_id"] = 0,
            ["eos_token_id"] = 1,
        });

        var (family, config) = KnownFamilies.Registry.Read(path);

        family.Should().BeSameAs(KnownFamilies.T5);
        config.ModelType.Should().Be("t5");
        config.DecoderHeadSize.Should().Be(64, "512 / 6 is no head size");
        config.DecoderStartTokenId.Should().Be(0, "the pad, when decoder_start_token_id is absent");
    }

    private static FluentAssertions.Specialized.ExceptionAssertions<ModelBundleException> Read(string path)
    {
        var act = () => KnownFamilies.Registry.Read(path);
        return act.Should().Throw<ModelBundleException>();
    }

    private string Edit(string bundle, Action<JsonObject> edit)
    {
        var path = Path.Combine(_folder, BundleFiles.ConfigFile);
        ConfigJson.Edit(Path.Combine(RepoPaths.Bundle(bundle), BundleFiles.ConfigFile), path, edit);
        return path;
    }

    private string Write(JsonObject json)
    {
        var path = Path.Combine(_folder, BundleFiles.ConfigFile);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
