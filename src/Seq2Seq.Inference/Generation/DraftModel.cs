namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A cheaper runner over the same vocabulary (e.g. the int8 graphs of the same bundle) whose greedy guesses a
/// lone greedy request checks in one decoder call (speculative decoding, docs/decoding.md). Output is exactly
/// what plain greedy search gives: every token kept is the model's own choice; the draft only saves calls.
/// </summary>
public sealed class DraftModel
{
    /// <summary>The most tokens one round may guess ahead.</summary>
    public const int MaxTokens = 16;

    public DraftModel(IModelRunner runner, int tokens)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, MaxTokens);
        Runner = runner;
        Tokens = tokens;
    }

    public IModelRunner Runner { get; }

    /// <summary>Tokens the draft guesses per round.</summary>
    public int Tokens { get; }
}
