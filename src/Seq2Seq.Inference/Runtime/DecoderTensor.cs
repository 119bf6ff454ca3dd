using System.Text.RegularExpressions;

namespace Seq2Seq.Inference.Runtime;

/// <summary>What a decoder graph input or output carries, parsed from its Optimum name.</summary>
internal readonly partial record struct DecoderTensor(DecoderTensorKind Kind, int Layer = -1, bool Encoder = false, bool Value = false)
{
    /// <summary>Cache tensors per decoder layer: self-attention key and value, cross-attention key and value.</summary>
    public const int CacheSlotsPerLayer = 4;

    /// <summary>Position of a cache tensor among its layer's: decoder key, decoder value, encoder key, encoder value.</summary>
    public int CacheSlot => (Encoder ? 2 : 0) + (Value ? 1 : 0);

    /// <summary>Whether a slot index (over all layers) holds cross-attention (encoder) keys or values.</summary>
    public static bool IsCrossAttentionSlot(int slot) => slot % CacheSlotsPerLayer >= 2;

    public static DecoderTensor Parse(string name)
    {
        switch (name)
        {
            case "input_ids": return new(DecoderTensorKind.InputIds);
            case "encoder_attention_mask": return new(DecoderTensorKind.EncoderAttentionMask);
            case "encoder_hidden_states": return new(DecoderTensorKind.EncoderHiddenStates);
            case "use_cache_branch": return new(DecoderTensorKind.UseCacheBranch);
            case "logits": return new(DecoderTensorKind.Logits);
            case "cross_attentions": return new(DecoderTensorKind.CrossAttentions);
        }

        var match = CacheName().Match(name);
        if (!match.Success)
        {
            return new(DecoderTensorKind.Unknown);
        }

        return new(match.Groups[1].Value == "past_key_values" ? DecoderTensorKind.Past : DecoderTensorKind.Present,
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            match.Groups[3].Value == "encoder", match.Groups[4].Value == "value");
    }

    [GeneratedRegex(@"^(past_key_values|present)\.(\d+)\.(decoder|encoder)\.(key|value)$")]
    private static partial Regex CacheName();
}

internal enum DecoderTensorKind
{
    Unknown,
    InputIds,
    EncoderAttentionMask,
    EncoderHiddenStates,
    UseCacheBranch,
    Past,
    Logits,
    Present,

    /// <summary>The step's attention over the source positions (our exports: last layer, averaged over heads).</summary>
    CrossAttentions,
}
