using System.Diagnostics;
using System.Security.Cryptography;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A batch of requests that share one decoder call per <see cref="Step"/>. Rows of finished or cancelled
/// requests leave the batch (and the cache) at once. When the runner supports joins, <see cref="Admit"/>
/// adds requests between steps: they are encoded and take their first decoder step together, then their
/// rows join the running batch, so nobody waits for the batch to finish. A scheduler may hold several
/// cohorts and interleave their steps. A cohort that starts with one greedy request and has a
/// <see cref="DraftModel"/> decodes speculatively while that row runs alone: each step feeds the draft's
/// guesses and keeps those the model agrees with. Nothing here blocks or spawns threads, except that the draft
/// guesses on a pool thread during the model's call when <see cref="DraftAlongside"/> allows it.
/// </summary>
public sealed class GenerationCohort : IDisposable
{
    private readonly IModelRunner _runner;
    private readonly List<Entry> _entries = [];
    private readonly List<int> _completed = [];
    private readonly NextRows _next = new();
    private IDecoderState? _state;
    private int[] _tokens = new int[16];
    private int _steps;
    private RunnerTimings _finalTimings;
    private bool _tracksAttention;
    private DraftGuesses? _guesses;
    private int _guessesCarried;

    // Completions of requests cancelled before the start wait for the first Step to report them.
    private bool _completedReported;

    private GenerationCohort(IModelRunner runner, IReadOnlyList<GenerationRequest> requests, DraftModel? draft)
    {
        _runner = runner;
        _state = Encode(requests, out var startTokens);
        if (_state is not null)
        {
            EnsureTokens(startTokens.Length);
            startTokens.CopyTo(_tokens, 0);
            if (_state.Rows == 1)
            {
                _guesses = DraftGuesses.Start(draft, _state, _entries[LiveEntry()].Request);
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
    public RunnerTimings RunnerTimings
    {
        get
        {
            var timings = _finalTimings;
            if (_state is not null)
            {
                timings.RunTicks += _state.Timings.RunTicks;
                timings.PrepareTicks += _state.Timings.PrepareTicks;
            }

            return timings;
        }
    }

    /// <summary>The result of request <paramref name="index"/>, or null while it is still running.</summary>
    public GenerationResult? Result(int index) => _entries[index].Result;

    /// <summary>
    /// Removes cancelled requests, runs one decoder step for all remaining rows, and advances each
    /// request's search. Returns the indices of requests that completed in this call (finished or
    /// cancelled), the first call also those cancelled before the start; the list is reused by the next call.
    /// </summary>
    public IReadOnlyList<int> Step()
    {
        ClearReported();
        if (_state is null)
        {
            return _completed;
        }

        RemoveCancelled();
        if (_guesses is not null && _state.Rows == 1)
        {
            SpeculativeStep((ISpeculativeState)_state);
        }
        else if (_state.Rows > 0)
        {
            RunStep(_state, _tokens, 0);
            EnsureTokens(_next.Count);
            _next.Tokens.CopyTo(_tokens);
        }

        if (_state.Rows == 0)
        {
            ReleaseState();
        }

        return _completed;
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

        ClearReported();
        DropGuesses();
        var firstNew = _entries.Count;
        var state = Encode(requests, out var startTokens);
        if (state is null)
        {
            return _completed;
        }

        using (state)
        {
            RunStep(state, startTokens, firstNew);
            var rows = _state!.Rows;
            if (state.Rows > 0)
            {
                EnsureTokens(rows + _next.Count);
                _next.Tokens.CopyTo(_tokens.AsSpan(rows));
                _state.Append(state);
            }
            else
            {
                _finalTimings.RunTicks += state.Timings.RunTicks;
                _finalTimings.PrepareTicks += state.Timings.PrepareTicks;
            }
        }

        return _completed;
    }

    private void ClearReported()
    {
        if (_completedReported)
        {
            _completed.Clear();
        }

        _completedReported = true;
    }

    /// <summary>Adds entries for the requests and encodes the live ones; null when none is live.</summary>
    private IDecoderState? Encode(IReadOnlyList<GenerationRequest> requests, out int[] startTokens)
    {
        var sources = new List<ReadOnlyMemory<int>>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            request.Settings.Validate();
            if (request.Settings.VocabSize != _runner.VocabSize)
            {
                throw new ArgumentException(
                    $"Request {i} has settings for a vocabulary of {request.Settings.VocabSize}, the model has {_runner.VocabSize}.",
                    nameof(requests));
            }

            if (request.ReturnAttention && !_runner.ProvidesAttention)
            {
                throw new ArgumentException($"Request {i} asks for attention, which this model does not output.", nameof(requests));
            }
        }

        var live = new List<int>(requests.Count);
        foreach (var request in requests)
        {
            var seed = request.Settings.Seed is { } s ? (ulong)s
                : request.Settings.DoSample ? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))
                : 0;
            _entries.Add(new Entry(request, SequenceSearch.Create(request.Settings, _runner.VocabSize, seed)));
            var index = _entries.Count - 1;
            if (request.ReturnAttention)
            {
                _entries[index].Search.TrackAttention(request.SourceIds.Length);
                _tracksAttention = true;
            }

            if (request.Cancellation.IsCancellationRequested)
            {
                Complete(index, cancelled: true);
                continue;
            }

            sources.Add(request.SourceIds);
            live.Add(index);
        }

        startTokens = new int[live.Count];
        if (live.Count == 0)
        {
            return null;
        }

        var started = Stopwatch.GetTimestamp();
        var state = _runner.Encode(sources);
        var encodeTime = Stopwatch.GetElapsedTime(started);
        for (var i = 0; i < live.Count; i++)
        {
            var entry = _entries[live[i]];
            entry.Rows = 1;
            entry.EncodeTime = encodeTime;
            startTokens[i] = entry.Request.Settings.DecoderStartTokenId;
        }

        return state;
    }

    /// <summary>
    /// One decoder call on <paramref name="state"/>, whose rows belong to the live entries from
    /// <paramref name="firstEntry"/> on, in order; leaves the continuing rows and their tokens in _next.
    /// </summary>
    private void RunStep(IDecoderState state, ReadOnlySpan<int> tokens, int firstEntry)
    {
        var rows = state.Rows;
        var logits = state.Step(tokens[..rows]);
        var now = Stopwatch.GetTimestamp();
        _steps++;
        var vocab = _runner.VocabSize;
        var attention = _tracksAttention ? ((IAttentionState)state).Attention : default;
        var width = _tracksAttention ? ((IAttentionState)state).SourceWidth : 0;
        var offset = 0;
        _next.Clear();
        for (var i = firstEntry; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.Rows == 0)
            {
                continue;
            }

            if (entry.Steps == 0)
            {
                entry.DecodeStart = now;
            }

            _next.SourceOffset = offset;
            var before = _next.Count;
            if (entry.Request.ReturnAttention)
            {
                entry.Search.RecordAttention(attention.Slice(offset * width, entry.Rows * width), width);
            }

            entry.Search.Advance(logits.Slice(offset * vocab, entry.Rows * vocab), _next);
            entry.Steps++;
            offset += entry.Rows;
            entry.Rows = _next.Count - before;
            if (entry.Search.IsDone)
            {
                Complete(i, cancelled: false);
            }
        }

        if (!_next.IsIdentity(rows))
        {
            state.Reorder(_next.Parents);
        }
    }

    /// <summary>
    /// One decoder call over the row's next token and the draft's guesses after it. The search takes the
    /// logits position by position, as if from single steps, while its choice equals the guess that was fed
    /// after that position; the first choice that differs (or the one after the last guess) is the next token,
    /// and both caches forget the positions after the kept ones.
    /// </summary>
    private void SpeculativeStep(ISpeculativeState state)
    {
        var index = LiveEntry();
        var entry = _entries[index];
        var fed = _guesses!.Guess(_tokens[0], entry.Request.Settings.MaxNewTokens - entry.Search.Generated - 1);
        if (DraftAlongside)
        {
            _guesses.LetAheadFinish = LetDraftAheadFinish;
            _guesses.GuessAhead();
        }

        var logits = state.Step(fed, fed.Length);
        var now = Stopwatch.GetTimestamp();
        _steps++;
        if (entry.Steps == 0)
        {
            entry.DecodeStart = now;
        }

        entry.Steps++;
        var vocab = _runner.VocabSize;
        var kept = 0;
        while (true)
        {
            _next.Clear();
            _next.SourceOffset = 0;
            entry.Search.Advance(logits.Slice(kept * vocab, vocab), _next);
            if (entry.Search.IsDone)
            {
                Complete(index, cancelled: false);
                state.Reorder([]);
                return;
            }

            var token = _next.Tokens[0];
            if (kept + 1 < fed.Length && token == fed[kept + 1])
            {
                kept++;
                continue;
            }

            _tokens[0] = token;
            break;
        }

        state.Truncate(fed.Length - 1 - kept);
        _guesses.Accept(kept, _tokens[0]);
    }

    /// <summary>The entry of the cohort's only row.</summary>
    private int LiveEntry()
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Rows > 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No request has a row.");
    }

    /// <summary>Lets the draft's guessing alongside run to its end each step (<see cref="DraftGuesses.LetAheadFinish"/>).</summary>
    internal bool LetDraftAheadFinish { get; set; }

    /// <summary>Draft guesses made alongside the model's checks that a later step used (see <see cref="DraftAlongside"/>).</summary>
    internal int GuessesCarried => _guessesCarried + (_guesses?.Carried ?? 0);

    private void DropGuesses()
    {
        _guessesCarried += _guesses?.Carried ?? 0;
        _guesses?.Dispose();
        _guesses = null;
    }

    private void EnsureTokens(int count)
    {
        if (_tokens.Length < count)
        {
            Array.Resize(ref _tokens, Math.Max(count, _tokens.Length * 2));
        }
    }

    private void RemoveCancelled()
    {
        var any = false;
        foreach (var entry in _entries)
        {
            any |= entry.Rows > 0 && entry.Request.Cancellation.IsCancellationRequested;
        }

        if (!any)
        {
            return;
        }

        _next.Clear();
        var offset = 0;
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.Rows == 0)
            {
                continue;
            }

            if (entry.Request.Cancellation.IsCancellationRequested)
            {
                offset += entry.Rows;
                entry.Rows = 0;
                Complete(i, cancelled: true);
                continue;
            }

            _next.SourceOffset = offset;
            for (var r = 0; r < entry.Rows; r++)
            {
                _next.Add(r, _tokens[offset + r]);
            }

            offset += entry.Rows;
        }

        _state!.Reorder(_next.Parents);
        _next.Tokens.CopyTo(_tokens);
    }

    private void Complete(int index, bool cancelled)
    {
        var entry = _entries[index];
        var decode = entry.DecodeStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(entry.DecodeStart);
        entry.Result = new GenerationResult(cancelled ? [] : entry.Search.Sequences(),
            entry.Request.SourceIds.Length, cancelled, entry.EncodeTime, decode, entry.Steps);
        entry.Rows = 0;
        _completed.Add(index);
    }

    private void ReleaseState()
    {
        DropGuesses();
        if (_state is not null)
        {
            _finalTimings.RunTicks += _state.Timings.RunTicks;
            _finalTimings.PrepareTicks += _state.Timings.PrepareTicks;
            _state.Dispose();
            _state = null;
        }
    }

    /// <summary>Frees the decoder state; requests still running get no result.</summary>
    public void Dispose() => ReleaseState();

    private sealed class Entry(GenerationRequest request, SequenceSearch search)
    {
        public GenerationRequest Request { get; } = request;

        public SequenceSearch Search { get; } = search;

        /// <summary>Rows in the batch; 0 once completed.</summary>
        public int Rows { get; set; }

        public int Steps { get; set; }

        public TimeSpan EncodeTime { get; set; }

        /// <summary>Timestamp of the request's first decoder step; 0 before it.</summary>
        public long DecodeStart { get; set; }

        public GenerationResult? Result { get; set; }
    }
}
