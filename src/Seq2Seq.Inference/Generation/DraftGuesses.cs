namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The draft side of speculative decoding for a cohort's one row: the draft runner's own decoder state, kept
/// at the tokens the model has accepted. Each round it feeds what it has not seen yet and guesses greedily.
/// While the model checks a round's guesses, the draft may go on guessing on another thread as if all were
/// right (<see cref="GuessAhead"/>); when they were, and the model's next token is the draft's first guess
/// beyond them, the next round starts with those guesses made.
/// </summary>
internal sealed class DraftGuesses : IDisposable
{
    private readonly ISpeculativeState _state;
    private readonly int _vocab;
    private readonly int _eos;
    private readonly List<int> _unseen = [];
    private readonly int[] _guesses;
    private readonly int[] _ahead;
    private int _count;

    // Guessing ahead: the task, the stop request, and its guesses (each one fed the position before it).
    private Task? _aheadTask;
    private volatile bool _stopAhead;
    private int _aheadCount;

    // Guesses carried into the next round (fed by the draft except the last); 0 when none.
    private int _carried;

    private DraftGuesses(ISpeculativeState state, int vocab, int eos, int tokens)
    {
        _state = state;
        _vocab = vocab;
        _eos = eos;
        _guesses = new int[tokens + 1];
        _ahead = new int[tokens + 1];
    }

    /// <summary>
    /// Encodes the source with the draft, when the draft and the model can both feed several positions per
    /// call and the request decodes greedily without attention; null otherwise.
    /// </summary>
    public static DraftGuesses? Start(DraftModel? draft, IDecoderState model, GenerationRequest request)
    {
        var settings = request.Settings;
        if (draft is null || model is not ISpeculativeState speculativeModel || settings.NumBeams != 1 || settings.DoSample || request.ReturnAttention)
        {
            return null;
        }

        // The draft reads the model's own encoder output when it can: one encoder call fewer per request.
        var state = speculativeModel.Follow(draft.Runner) ?? draft.Runner.Encode([request.SourceIds]);
        if (state is ISpeculativeState speculative)
        {
            return new DraftGuesses(speculative, draft.Runner.VocabSize, settings.EosTokenId, draft.Tokens);
        }

        state.Dispose();
        return null;
    }

    /// <summary>
    /// Whether <see cref="Accept"/> lets guessing ahead run to its end (the draft's token count, or eos) rather than
    /// stopping it: the same outputs, with the guesses ahead no longer depending on thread timing (tests).
    /// </summary>
    public bool LetAheadFinish { get; set; }

    /// <summary>Guesses made ahead that started a later round (made while the model checked earlier ones).</summary>
    public int Carried { get; private set; }

    /// <summary>
    /// <paramref name="next"/> (the token the model feeds next) followed by up to <paramref name="limit"/>
    /// guessed tokens, at most the draft's <see cref="DraftModel.Tokens"/>; guessing stops after eos.
    /// </summary>
    public ReadOnlySpan<int> Guess(int next, int limit)
    {
        var max = Math.Min(limit, _guesses.Length - 1);
        _guesses[0] = next;
        _count = 0;
        if (_carried > 0 && _carried <= max)
        {
            // The draft has fed next and the carried guesses but the last; it goes on from there.
            _ahead.AsSpan(1, _carried).CopyTo(_guesses.AsSpan(1));
            _count = _carried;
            Carried += _carried;
            _carried = 0;
            return _count == max || _guesses[_count] == _eos
                ? _guesses.AsSpan(0, _count + 1)
                : GuessFrom(_state.Step(_guesses.AsSpan(_count, 1), 1), max);
        }

        if (_carried > 0)
        {
            // More carried guesses than this round may use (the request is near its token limit): the draft
            // forgets next and what it fed after it, and sees next again below.
            _state.Truncate(_carried);
            _carried = 0;
        }

        _unseen.Add(next);
        if (max == 0)
        {
            return _guesses.AsSpan(0, 1);
        }

        var fed = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_unseen);
        var logits = _state.Step(fed, fed.Length);
        _unseen.Clear();
        return GuessFrom(logits[((fed.Length - 1) * _vocab)..], max);
    }

    /// <summary>
    /// Starts guessing beyond the last <see cref="Guess"/> on a pool thread, as if the model accepted every guess,
    /// until <see cref="Accept"/> stops it. Does nothing after a guess of eos or without guesses.
    /// </summary>
    public void GuessAhead()
    {
        if (_count == 0 || _guesses[_count] == _eos)
        {
            return;
        }

        _stopAhead = false;
        _aheadCount = 0;
        var last = _guesses[_count];
        _aheadTask = Task.Run(() =>
        {
            var token = last;
            while (!_stopAhead && _aheadCount < _ahead.Length - 1)
            {
                var guess = LogSoftmax.ArgMax(_state.Step([token], 1)[.._vocab]);
                _ahead[++_aheadCount] = guess;
                if (guess == _eos)
                {
                    return;
                }

                token = guess;
            }
        });
    }

    /// <summary>
    /// The model kept the first <paramref name="accepted"/> guesses of the last <see cref="Guess"/> and feeds
    /// <paramref name="next"/> after them: the draft forgets the positions after the kept ones, keeps what it
    /// guessed ahead when that starts with <paramref name="next"/>, or, when it kept all and guessed nothing
    /// ahead, still has to see the last guess.
    /// </summary>
    public void Accept(int accepted, int next)
    {
        StopAhead();
        var ahead = _aheadCount;
        _aheadCount = 0;
        if (_count == 0)
        {
            return;
        }

        if (accepted < _count)
        {
            _state.Truncate(_count - 1 - accepted + ahead);
        }
        else if (ahead == 0)
        {
            _unseen.Add(_guesses[_count]);
        }
        else if (_ahead[1] == next && ahead > 1)
        {
            // Fed: the last guess, next, and the guesses after next but the last one made.
            _carried = ahead - 1;
            _ahead.AsSpan(2, _carried).CopyTo(_ahead.AsSpan(1));
        }
        else
        {
            _state.Truncate(ahead - 1);
        }
    }

    public void Dispose()
    {
        StopAhead();
        _state.Dispose();
    }

    private ReadOnlySpan<int> GuessFrom(ReadOnlySpan<float> logits, int max)
    {
        while (true)
        {
            var guess = LogSoftmax.ArgMax(logits[.._vocab]);
            _guesses[++_count] = guess;
            if (guess == _eos || _count == max)
            {
                return _guesses.AsSpan(0, _count + 1);
            }

            logits = _state.Step(_guesses.AsSpan(_count, 1), 1);
        }
    }

    private void StopAhead()
    {
        if (_aheadTask is null)
        {
            return;
        }

        _stopAhead = !LetAheadFinish;
        var task = _aheadTask;
        _aheadTask = null;
        task.GetAwaiter().GetResult();
    }
}
