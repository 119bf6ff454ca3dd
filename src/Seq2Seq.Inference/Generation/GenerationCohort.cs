namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A batch of requests that share one decoder call per <see cref="Step"/>. Rows of finished or cancelled
/// requests leave the batch (and the cache) at once. When the runner supports joins, <see cref="Admit"/>
/// adds requests between steps: they are encoded and take their first decoder step together, then their
/// rows join the running batch, so nobody waits for the batch to finish. A scheduler may hold several
/// cohorts and interleave their steps. Each request's <see cref="GenerationRequest.Sink"/> hears of its tokens and
/// its end within the step that produced them. A cohort that starts with one greedy request and has a
/// <see cref="DraftModel"/> decodes speculatively while that row runs alone (<see cref="CohortDraft"/>).
/// Nothing here blocks or spawns threads, except that the draft guesses on a pool thread during the model's call
/// when <see cref="DraftAlongside"/> allows it.
/// </summary>
public sealed class GenerationCohort : IDisposable
{
    private readonly IModelRunner _runner;
    private readonly CohortEntries _entries = new();
    private readonly NextRows _next = new();
    private readonly RowTokens _tokens = new();
    private readonly CohortDraft _draft = new();
    private IDecoderState? _state;
    private int _steps;
    private RunnerTimings _finalTimings;

    private GenerationCohort(IModelRunner runner, IReadOnlyList<GenerationRequest> requests, DraftModel? draft)
    {
        _runner = runner;
        _state = _entries.Encode(requests, runner, out var startTokens);
        if (_state is not null)
        {
            _tokens.Set(0, startTokens);
            if (_state.Rows == 1)
            {
                _draft.Start(draft, _state, _entries[_entries.Live().First().Index].Request);
            }
        }
    }

    /// <summary>
    /// Validates the requests and runs the encoder over all of them in one call; with a <paramref name="draft"/>
    /// (same vocabulary), a lone greedy request decodes speculatively.
    /// </summary>
    public static GenerationCohort Start(IModelRunner runner, IReadOnlyList<GenerationRequest> requests, DraftModel? draft = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(requests);
        if (draft is not null && draft.Runner.VocabSize != runner.VocabSize)
        {
            throw new ArgumentException($"The draft's vocabulary has {draft.Runner.VocabSize} ids, the model's {runner.VocabSize}.", nameof(draft));
        }

        return new GenerationCohort(runner, requests, draft);
    }

    /// <summary>Number of requests, admitted ones included.</summary>
    public int Count => _entries.Count;

    /// <summary>Decoder rows the next step will run (beams and samples count separately).</summary>
    public int ActiveRows => _state?.Rows ?? 0;

    public bool IsCompleted => _state is null;

    /// <summary>
    /// Whether <see cref="Admit"/> may be called now: the runner supports joins and the running batch has
    /// taken its first step.
    /// </summary>
    public bool CanAdmit => _runner.SupportsJoins && _state is { PastLength: > 0 };

    /// <summary>
    /// Whether a speculative step may use a second thread: the draft then goes on guessing while the model checks
    /// its guesses. The scheduler allows it when a core would otherwise be idle.
    /// </summary>
    public bool DraftAlongside { get; set; }

    /// <summary>Decoder calls made, admission first steps included.</summary>
    public int Steps => _steps;

    /// <summary>Runtime and tensor-preparation time so far, encoder included.</summary>
    public RunnerTimings RunnerTimings => _state is null ? _finalTimings : _finalTimings + _state.Timings;

    /// <summary>The result of request <paramref name="index"/>, or null while it is still running.</summary>
    public GenerationResult? Result(int index) => _entries[index].Result;

    /// <summary>
    /// Removes cancelled requests, runs one decoder step for all remaining rows, and advances each
    /// request's search. Returns the indices of requests that completed in this call (finished or
    /// cancelled), the first call also those cancelled before the start; the list is reused by the next call.
    /// </summary>
    public IReadOnlyList<int> Step()
    {
        _entries.StartReport();
        if (_state is null)
        {
            return _entries.Completed;
        }

        if (_entries.RemoveCancelled(_tokens.All, _next))
        {
            _state.Reorder(_next.Parents);
            _tokens.Set(0, _next.Tokens);
        }

        if (_draft.Serves(_state))
        {
            var lone = _entries.Live().First().Index;
            _steps++;
            if (_draft.Step((ISpeculativeState)_state, _entries[lone], _tokens[0], _next, _runner.VocabSize,
                    DraftAlongside, LetDraftAheadFinish) is { } next)
            {
                _tokens[0] = next;
            }
            else
            {
                _entries.Complete(lone, cancelled: false);
            }
        }
        else if (_state.Rows > 0)
        {
            RunStep(_state, _tokens.All, 0);
            _tokens.Set(0, _next.Tokens);
        }

        if (_state.Rows == 0)
        {
            ReleaseState();
        }

        return _entries.Completed;
    }

    /// <summary>
    /// Adds requests to the running batch (indices from <see cref="Count"/> on, in order): encodes them,
    /// runs their first decoder step as one small batch, and appends the rows that continue. Returns the
    /// indices of admitted requests that completed at once (cancelled, or done after one token); the list
    /// is reused by the next call.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="CanAdmit"/> is false.</exception>
    public IReadOnlyList<int> Admit(IReadOnlyList<GenerationRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (!CanAdmit)
        {
            throw new InvalidOperationException("This cohort cannot take new rows: the runner does not support joins, or it has not stepped yet or has completed.");
        }

        _entries.StartReport();
        _draft.Dispose();
        var firstNew = _entries.Count;
        using var state = _entries.Encode(requests, _runner, out var startTokens);
        if (state is null)
        {
            return _entries.Completed;
        }

        RunStep(state, startTokens, firstNew);
        var rows = _state!.Rows;
        if (state.Rows > 0)
        {
            _tokens.Set(rows, _next.Tokens);
            _state.Append(state);
        }
        else
        {
            _finalTimings += state.Timings;
        }

        return _entries.Completed;
    }

    /// <summary>A <see cref="BatchStep"/> over the rows of the live entries from <paramref name="firstEntry"/> on.</summary>
    private void RunStep(IDecoderState state, ReadOnlySpan<int> tokens, int firstEntry)
    {
        BatchStep.Run(state, tokens, _entries, firstEntry, _next, _runner.VocabSize);
        _steps++;
    }

    /// <summary>Lets the draft's guessing alongside run to its end each step (<see cref="DraftGuesses.LetAheadFinish"/>).</summary>
    internal bool LetDraftAheadFinish { get; set; }

    /// <summary>Draft guesses made alongside the model's checks that a later step used (see <see cref="DraftAlongside"/>).</summary>
    internal int GuessesCarried => _draft.Carried;

    private void ReleaseState()
    {
        _draft.Dispose();
        if (_state is not null)
        {
            _finalTimings += _state.Timings;
            _state.Dispose();
            _state = null;
        }
    }

    /// <summary>Frees the decoder state; requests still running get no result.</summary>
    public void Dispose() => ReleaseState();
}
