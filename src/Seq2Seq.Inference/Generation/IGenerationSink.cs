namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Where one request's generation reports as it goes (CTranslate2's per-step callback): called on the thread that
/// steps its cohort, within that step, so an implementation only hands the event on and never blocks.
/// </summary>
public interface IGenerationSink
{
    /// <summary>
    /// A token appended to the request's only hypothesis (greedy, or sampling one sequence), end-of-sequence not
    /// included. Beam hypotheses change until the end, so beam search reports only <see cref="Finished"/>.
    /// </summary>
    void TokenAppended(int tokenId)
    {
    }

    /// <summary>The request ended: its sequences, or cancelled.</summary>
    void Finished(GenerationResult result);
}
