namespace Seq2Seq.Inference.Generation;

/// <summary>Why a generated sequence ended.</summary>
public enum FinishReason
{
    /// <summary>The sequence ended with the end-of-sequence token.</summary>
    Eos,

    /// <summary>
    /// The sequence reached <c>max_new_tokens</c> without an end-of-sequence token, or with the one a bundle's
    /// forced_eos_token_id puts there.
    /// </summary>
    Length,
}
