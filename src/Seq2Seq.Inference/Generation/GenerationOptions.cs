namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Per-call overrides of the generation settings, named as in Hugging Face's <c>generate()</c>.
/// A null member keeps the model's default from <c>generation_config.json</c>.
/// </summary>
public sealed record GenerationOptions
{
    public int? MaxNewTokens { get; init; }
    public int? MinLength { get; init; }
    public int? NumBeams { get; init; }
    public bool? DoSample { get; init; }
    public float? Temperature { get; init; }
    public int? TopK { get; init; }
    public float? TopP { get; init; }
    public long? Seed { get; init; }
    public float? LengthPenalty { get; init; }
    public bool? EarlyStopping { get; init; }
    public int? NoRepeatNgramSize { get; init; }

    /// <summary>See <see cref="GenerationSettings.RepeatGuardSize"/>.</summary>
    public int? RepeatGuardSize { get; init; }
    public float? RepetitionPenalty { get; init; }
    public int? NumReturnSequences { get; init; }
}
