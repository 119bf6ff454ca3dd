namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A cohort's speculative decoding: the draft's guesses while the cohort's only row is greedy, dropped for good
/// when other rows join.
/// </summary>
internal sealed class CohortDraft : IDisposable
{
    private DraftGuesses? _guesses;
    private int _carried;

    /// <summary>Starts guessing for the cohort's lone row when a draft can serve it.</summary>
    public void Start(DraftModel? draft, IDecoderState state, GenerationRequest request) =>
        _guesses = DraftGuesses.Start(draft, state, request);

    /// <summary>Whether the next step decodes speculatively.</summary>
    public bool Serves(IDecoderState state) => _guesses is not null && state.Rows == 1;

    /// <summary>Guesses made alongside the model's checks that a later step used.</summary>
    public int Carried => _carried + (_guesses?.Carried ?? 0);

    /// <inheritdoc cref="SpeculativeStep.Run"/>
    public int? Step(ISpeculativeState state, CohortEntry entry, int next, NextRows scratch, int vocabSize,
        bool guessAhead, bool letAheadFinish)
    {
        _guesses!.LetAheadFinish = letAheadFinish;
        return SpeculativeStep.Run(state, _guesses, entry, next, scratch, vocabSize, guessAhead);
    }

    public void Dispose()
    {
        _carried += _guesses?.Carried ?? 0;
        _guesses?.Dispose();
        _guesses = null;
    }
}
