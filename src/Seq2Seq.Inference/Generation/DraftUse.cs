namespace Seq2Seq.Inference.Generation;

/// <summary>Whether a bundle's float model decodes lone greedy requests speculatively, its int8 graphs guessing.</summary>
public enum DraftUse
{
    /// <summary>Never.</summary>
    None,

    /// <summary>
    /// When the model runs its float graphs, the bundle ships the int8 ones beside them, and the decoder takes
    /// decoder_attention_mask (the exports of models/training, whose decoders mask several new positions causally).
    /// </summary>
    Auto,

    /// <summary>As <see cref="Auto"/>, but a bundle that cannot is an error at load.</summary>
    Required,
}
