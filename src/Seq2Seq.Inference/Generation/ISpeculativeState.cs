namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A decoder state that feeds several positions per row in one call and can give positions back: what
/// speculative decoding needs. A draft guesses the next tokens, the model scores all of them in one call (at
/// one row that costs about as much as a single step, since each call reads every weight once), and the
/// positions after the first wrong guess are dropped.
/// </summary>
public interface ISpeculativeState : IDecoderState
{
    /// <summary>
    /// Feeds <paramref name="positions"/> tokens per row (row-major, <see cref="IDecoderState.Rows"/> ×
    /// positions) and returns the logits of every fed position, rows × positions × vocabulary. The span
    /// belongs to the state and is valid until the next call; callers may modify it.
    /// </summary>
    Span<float> Step(ReadOnlySpan<int> tokens, int positions);

    /// <summary>Forgets the last <paramref name="positions"/> positions of every row's past.</summary>
    void Truncate(int positions);

    /// <summary>
    /// A state of <paramref name="draft"/> over this state's encoder output, so the draft needs no encoder call
    /// of its own; null when the draft cannot read it or this state has stepped already.
    /// </summary>
    ISpeculativeState? Follow(IModelRunner draft);
}
