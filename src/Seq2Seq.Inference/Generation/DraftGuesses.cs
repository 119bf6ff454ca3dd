namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The draft side of speculative decoding for a cohort's one row: the draft runner's own decoder state, kept
/// at the tokens the model has accepted. Each round it feeds what it has not seen yet and guesses greedily.
/// </summary>
internal sealed class DraftGuesses : IDisposable
{
    private readonly ISpeculativeState _state;
    private readonly int _vocab;
    private readonly int _eos;
    private readonly List<int> _unseen = [];
    private readonly int[] _guesses;
    private int _count;

    private DraftGuesses(ISpeculativeState state, int vocab, int eos, int tokens)
    {
        _state = state;
        _vocab = vocab;
        _eos = eos;
        _guesses = new int[tokens + 1];
    }

    /// <summary>
    /// Encodes the source with the draft, when the draft and the model can both feed several positions per
    /// call and the request decodes greedily without attention; null otherwise.
    /// </summary>
    public static DraftGuesses? Start(DraftModel? draft, IDecoderState model, GenerationRequest request)
    {
        var settings = request.Settings;
        if (draft is null || model is not ISpeculativeState || settings.NumBeams != 1 || settings.DoSample || request.ReturnAttention)
        {
            return null;
        }

        // The draft reads the model's own encoder output when it can: one encoder call fewer per request.
        var state = ((ISpeculativeState)model).Follow(draft.Runner) ?? draft.Runner.Encode([request.SourceIds]);
        if (state is ISpeculativeState speculative)
        {
            return new DraftGuesses(speculative, draft.Runner.VocabSize, settings.EosTokenId, draft.Tokens);
        }

        state.Dispose();
        return null;
    }

    /// <summary>
    /// <paramref name="next"/> (the token the model feeds next) followed by up to <paramref name="limit"/>
    /// guessed tokens, at most the draft's <see cref="DraftModel.Tokens"/>; guessing stops after eos.
    /// </summary>
    public ReadOnlySpan<int> Guess(int next, int limit)
    {
        _unseen.Add(next);
        _guesses[0] = next;
        _count = 0;
        if (limit == 0)
        {
            return _guesses.AsSpan(0, 1);
        }

        var fed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_unseen);
        var logits = _state.Step(fed, fed.Length);
        var last = logits.Slice((fed.Length - 1) * _vocab, _vocab);
        _unseen.Clear();
        while (true)
        {
            var guess = LogSoftmax.ArgMax(last);
            _guesses[++_count] = guess;
            if (guess == _eos || _count == Math.Min(limit, _guesses.Length - 1))
            {
                return _guesses.AsSpan(0, _count + 1);
            }

            last = _state.Step(_guesses.AsSpan(_count, 1), 1);
        }
    }

    /// <summary>
    /// The model kept the first <paramref name="accepted"/> guesses of the last <see cref="Guess"/>: the draft
    /// forgets the positions after them, or, when it kept all, still has to see the last one.
    /// </summary>
    public void Accept(int accepted)
    {
        if (_count == 0)
        {
            return;
        }

        if (accepted == _count)
        {
            _unseen.Add(_guesses[_count]);
        }
        else
        {
            _state.Truncate(_count - 1 - accepted);
        }
    }

    public void Dispose() => _state.Dispose();
}
