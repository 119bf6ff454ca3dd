using System.Text.Json;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// A contract bundle's reference.json (models/training/tiny_multilingual.py, tiny_bart.py): sources and the tokens
/// the PyTorch model the graphs were exported from decodes greedily for them, each from a forced first token
/// (forced_bos_token_id) or a decoder start of its own (decoder_start_token_id).
/// </summary>
internal static class PyTorchReference
{
    /// <summary>Decodes every case with the engine, asserts PyTorch's tokens, and returns the cases' start tokens (forced or first input).</summary>
    public static IReadOnlyList<int> GreedyShouldEqual(TranslationModel model, string bundle)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(ReferencePath(bundle)));
        var maxLength = reference.RootElement.GetProperty("max_length").GetInt32();
        var starts = new List<int>();
        foreach (var item in reference.RootElement.GetProperty("cases").EnumerateArray())
        {
            int? forced = item.TryGetProperty("forced_bos_token_id", out var f) ? f.GetInt32() : null;
            int? start = item.TryGetProperty("decoder_start_token_id", out var s) ? s.GetInt32() : null;
            var settings = model.DefaultSettings with
            {
                ForcedBosTokenId = forced,
                DecoderStartTokenId = start ?? model.Config.DecoderStartTokenId,
                NumBeams = 1,
                MaxNewTokens = maxLength - 1,
            };
            var source = item.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();

            var result = model.Generate([new GenerationRequest(source, settings)])[0];

            result.Sequences[0].TokenIds.Should().Equal(item.GetProperty("output_ids").EnumerateArray().Select(i => i.GetInt32()), bundle);
            starts.Add(forced ?? start!.Value);
        }

        return starts;
    }

    /// <summary>The contract bundles carry their reference; the shipped one's stays out of the bundle, with the golden files.</summary>
    private static string ReferencePath(string bundle) => bundle == RepoPaths.MultilingualBundle
        ? RepoPaths.Golden(bundle, "reference.json")
        : Path.Combine(RepoPaths.Bundle(bundle), "reference.json");
}
