using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Runtime;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Bundles;

/// <summary>
/// The tiny bundle's fp32 and int8 graphs, in the flat Optimum layout and moved under onnx/ as Hugging Face
/// hub (transformers.js) repositories keep them, the other files staying at the top.
/// </summary>
public sealed class HubLayoutTests : IDisposable
{
    private static readonly string[] Sources = ["Tom is here.", "Where is the station?", "I like cats and dogs.", "No."];

    private readonly string _flat = RepoPaths.Bundle(RepoPaths.TinyBundle);
    private readonly string _hub = Path.Combine(Path.GetTempPath(), "seq2seq-hub-" + Guid.NewGuid().ToString("N"));

    public HubLayoutTests()
    {
        Directory.CreateDirectory(Path.Combine(_hub, BundleFiles.HubGraphFolder));
        foreach (var file in Directory.GetFiles(_flat))
        {
            var name = Path.GetFileName(file);
            File.Copy(file, name.EndsWith(".onnx", StringComparison.Ordinal)
                ? Path.Combine(_hub, BundleFiles.HubGraphFolder, name)
                : Path.Combine(_hub, name));
        }
    }

    public void Dispose() => Directory.Delete(_hub, recursive: true);

    [Theory]
    [InlineData(ModelVariant.Fp32, "")]
    [InlineData(ModelVariant.Quantized, "_quantized")]
    public void Both_layouts_load_the_variant_graphs_and_translate_alike(ModelVariant variant, string suffix)
    {
        using var flat = Load(_flat, variant);
        using var hub = Load(_hub, variant);

        foreach (var (model, graphs) in new[] { (flat, _flat), (hub, Path.Combine(_hub, BundleFiles.HubGraphFolder)) })
        {
            model.Variant.Should().Be(variant);
            model.Files.Encoder.Should().Be(Path.Combine(graphs, $"encoder_model{suffix}.onnx"));
            model.Files.Decoder.Should().Be(Path.Combine(graphs, $"decoder_model{suffix}.onnx"));
            model.Files.DecoderWithPast.Should().Be(Path.Combine(graphs, $"decoder_with_past_model{suffix}.onnx"));
        }

        var greedy = new GenerationOptions { NumBeams = 1, MaxNewTokens = 20 };
        var beam = new GenerationOptions { NumBeams = 4, MaxNewTokens = 20 };
        hub.Translate(Sources, greedy).Should().Equal(flat.Translate(Sources, greedy));
        hub.Translate(Sources, beam).Should().Equal(flat.Translate(Sources, beam));
    }

    [Fact]
    public void A_missing_int8_graph_is_named()
    {
        File.Delete(Path.Combine(_hub, BundleFiles.HubGraphFolder, "decoder_with_past_model_quantized.onnx"));

        var act = () => Load(_hub, ModelVariant.Quantized).Dispose();

        act.Should().Throw<ModelBundleException>()
            .Which.FilePath.Should().Be(Path.Combine(_hub, BundleFiles.HubGraphFolder, "decoder_with_past_model_quantized.onnx"));
        using var fp32 = Load(_hub, ModelVariant.Fp32);
    }

    [Fact]
    public void Without_int8_graphs_the_quantized_variant_names_the_encoder_file()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(_hub, BundleFiles.HubGraphFolder), "*_quantized.onnx"))
        {
            File.Delete(file);
        }

        var act = () => Load(_hub, ModelVariant.Quantized).Dispose();

        act.Should().Throw<ModelBundleException>()
            .Which.Message.Should().Contain("encoder_model_quantized.onnx").And.Contain("quantized");
    }

    private static TranslationModel Load(string folder, ModelVariant variant) =>
        TranslationModel.Load(folder, new RunnerOptions { IntraOpThreads = 1 }, variant);
}
