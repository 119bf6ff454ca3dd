using System.Globalization;
using System.Text.Json;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// The arithmetic a translation needs, from token counts and the model's dimensions (docs/performance.md#useful-gflops):
/// multiply-adds count 2 FLOPs; padding, finished rows and the elementwise operators count nothing. Read from a
/// BART-style config.json (Marian, M2M100, BART); null for other families.
/// </summary>
internal sealed record UsefulFlops(int DModel, int EncoderLayers, int DecoderLayers, int EncoderFfn, int DecoderFfn, int Vocabulary)
{
    public static UsefulFlops? Read(string bundle)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")));
        var root = config.RootElement;
        int? Int(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        return Int("d_model") is { } d && Int("encoder_layers") is { } le && Int("decoder_layers") is { } ld
               && Int("encoder_ffn_dim") is { } fe && Int("decoder_ffn_dim") is { } fd
               && (Int("decoder_vocab_size") ?? Int("vocab_size")) is { } v
            ? new UsefulFlops(d, le, ld, fe, fd, v)
            : null;
    }

    /// <summary>FLOPs of one sequence: <paramref name="source"/> source tokens, <paramref name="target"/> decoder steps.</summary>
    public double Sequence(int source, int target)
    {
        double d = DModel, s = source, t = target;
        // Encoder, per source token and layer: Q, K, V, O projections, the FFN, and attention over s positions.
        var encoder = EncoderLayers * s * (2 * (4 * d * d + 2 * d * EncoderFfn) + 4 * d * s);
        // Decoder: cross-attention's K and V once per source token; per step and layer self-attention's four
        // projections, cross-attention's Q and O, the FFN, attention over the steps so far and over the source;
        // per step the output projection.
        var crossKeys = DecoderLayers * s * 2 * 2 * d * d;
        var steps = DecoderLayers * (t * 2 * (6 * d * d + 2 * d * DecoderFfn) + 2 * d * t * (t + 1) + 4 * d * s * t);
        return encoder + crossKeys + steps + t * 2 * d * Vocabulary;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"d_model {DModel}, layers {EncoderLayers}+{DecoderLayers}, FFN {EncoderFfn}/{DecoderFfn}, vocabulary {Vocabulary}");
}
