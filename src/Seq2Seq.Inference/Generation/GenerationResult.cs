namespace Seq2Seq.Inference.Generation;

/// <summary>One generated sequence: token ids without the decoder start token, with the final eos if any.</summary>
/// <param name="TokenIds">Generated ids.</param>
/// <param name="Score">
/// Beam search: cumulative log-probability divided by length^length_penalty.
/// Greedy and sampling: the sum of the chosen tokens' log-probabilities (after the logits processors).
/// </param>
/// <param name="FinishReason">Whether it ended with eos or ran into max_new_tokens.</param>
public sealed record GeneratedSequence(int[] TokenIds, double Score, FinishReason FinishReason)
{
    /// <summary>
    /// When the request asked for it: one row per generated token (eos included), each the decoder's attention
    /// over the source tokens (eos included) at the step that produced the token; otherwise null.
    /// </summary>
    public float[][]? Attention { get; init; }

    /// <summary>The summed log-probability of the tokens (after the logits processors); the score before any length normalisation.</summary>
    public double LogProbability { get; init; }
}

/// <summary>The outcome of one <see cref="GenerationRequest"/>.</summary>
public sealed class GenerationResult
{
    internal GenerationResult(IReadOnlyList<GeneratedSequence> sequences, int inputTokens, bool cancelled,
        TimeSpan encodeTime, TimeSpan decodeTime, int decoderSteps)
    {
        Sequences = sequences;
        InputTokens = inputTokens;
        Cancelled = cancelled;
        EncodeTime = encodeTime;
        DecodeTime = decodeTime;
        DecoderSteps = decoderSteps;
    }

    /// <summary>Best first (beam search), or in draw order (sampling); empty when cancelled.</summary>
    public IReadOnlyList<GeneratedSequence> Sequences { get; }

    /// <summary>Source tokens, eos included.</summary>
    public int InputTokens { get; }

    /// <summary>Tokens of the first (best) sequence; 0 when cancelled.</summary>
    public int OutputTokens => Sequences.Count == 0 ? 0 : Sequences[0].TokenIds.Length;

    /// <summary>True when the request's cancellation token fired before it finished; its state was freed.</summary>
    public bool Cancelled { get; }

    /// <summary>Wall time of the encoder call shared by the request's batch.</summary>
    public TimeSpan EncodeTime { get; }

    /// <summary>Wall time from the first decoder step of the batch until this request finished.</summary>
    public TimeSpan DecodeTime { get; }

    /// <summary>Decoder steps this request took part in.</summary>
    public int DecoderSteps { get; }
}
