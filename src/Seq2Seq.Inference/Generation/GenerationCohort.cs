using System.Diagnostics;
using System.Security.Cryptography;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A batch of requests that share one encoder call and then one decoder call per <see cref="Step"/>.
/// Rows of finished or cancelled requests leave the batch (and the cache) at once. A scheduler may hold
/// several cohorts and interleave their steps; nothing here blocks or spawns threads.
/// </summary>
public sealed class GenerationCohort : IDisposable
{
    private readonly IModelRunner _runner;
    private readonly Entry[] _entries;
    private readonly GenerationResult?[] _results;
    private readonly List<int> _completed = [];
    private readonly NextRows _next = new();
    private readonly TimeSpan _encodeTime;
    private IDecoderState? _state;
    private int[] _tokens;
    private long _decodeStart;
    private int _steps;
    private RunnerTimings _finalTimings;
    private bool _tracksAttention;

    private GenerationCohort(IModelRunner runner, IReadOnlyList<GenerationRequest> requests)
    {
        _runner = runner;
        _entries = new Entry[requests.Count];
        _results = new GenerationResult?[requests.Count];
        var sources = new List<ReadOnlyMemory<int>>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            request.Settings.Validate();
            if (request.Settings.VocabSize != runner.VocabSize)
            {
                throw new ArgumentException(
                    $"Request {i} has settings for a vocabulary of {request.Settings.VocabSize}, the model has {runner.VocabSize}.",
                    nameof(requests));
            }

            var seed = request.Settings.Seed is { } s ? (ulong)s
                : request.Settings.DoSample ? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))
                : 0;
            _entries[i] = new Entry(request, SequenceSearch.Create(request.Settings, runner.VocabSize, seed));
            if (request.ReturnAttention)
            {
                if (!runner.ProvidesAttention)
                {
                    throw new ArgumentException($"Request {i} asks for attention, which this model does not output.", nameof(requests));
                }

                _entries[i].Search.TrackAttention(request.SourceIds.Length);
                _tracksAttention = true;
            }

            if (request.Cancellation.IsCancellationRequested)
            {
                Complete(i, cancelled: true);
                continue;
            }

            _entries[i].Rows = 1;
            sources.Add(request.SourceIds);
        }

        _tokens = new int[Math.Max(1, sources.Count)];
        if (sources.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        _state = runner.Encode(sources);
        _encodeTime = Stopwatch.GetElapsedTime(started);
        var row = 0;
        foreach (var entry in _entries)
        {
            if (entry.Rows > 0)
            {
                _tokens[row++] = entry.Request.Settings.DecoderStartTokenId;
            }
        }
    }

    /// <summary>Validates the requests and runs the encoder over all of them in one call.</summary>
    public static GenerationCohort Start(IModelRunner runner, IReadOnlyList<GenerationRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(requests);
        return new GenerationCohort(runner, requests);
    }

    /// <summary>Number of requests.</summary>
    public int Count => _entries.Length;

    /// <summary>Decoder rows the next step will run (beams and samples count separately).</summary>
    public int ActiveRows => _state?.Rows ?? 0;

    public bool IsCompleted => _state is null;

    /// <summary>Wall time of the shared encoder call.</summary>
    public TimeSpan EncodeTime => _encodeTime;

    /// <summary>Decoder steps taken.</summary>
    public int Steps => _steps;

    /// <summary>Runtime and tensor-preparation time so far, encoder included.</summary>
    public RunnerTimings RunnerTimings => _state?.Timings ?? _finalTimings;

    /// <summary>The result of request <paramref name="index"/>, or null while it is still running.</summary>
    public GenerationResult? Result(int index) => _results[index];

    /// <summary>
    /// Removes cancelled requests, runs one decoder step for all remaining rows, and advances each
    /// request's search. Returns the indices of requests that completed in this call (finished or
    /// cancelled); the list is reused by the next call.
    /// </summary>
    public IReadOnlyList<int> Step()
    {
        _completed.Clear();
        if (_state is null)
        {
            return _completed;
        }

        if (_steps == 0)
        {
            _decodeStart = Stopwatch.GetTimestamp();
        }

        RemoveCancelled();
        if (_state.Rows > 0)
        {
            RunStep(_state);
        }

        if (_state.Rows == 0)
        {
            ReleaseState();
        }

        return _completed;
    }

    private void RunStep(IDecoderState state)
    {
        var rows = state.Rows;
        var logits = state.Step(_tokens.AsSpan(0, rows));
        _steps++;
        var vocab = _runner.VocabSize;
        var attention = _tracksAttention ? ((IAttentionState)state).Attention : default;
        var width = _tracksAttention ? ((IAttentionState)state).SourceWidth : 0;
        var offset = 0;
        _next.Clear();
        for (var i = 0; i < _entries.Length; i++)
        {
            var entry = _entries[i];
            if (entry.Rows == 0)
            {
                continue;
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

        if (_tokens.Length < _next.Count)
        {
            _tokens = new int[Math.Max(_next.Count, _tokens.Length * 2)];
        }

        _next.Tokens.CopyTo(_tokens);
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
        for (var i = 0; i < _entries.Length; i++)
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
        var decode = _decodeStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_decodeStart);
        _results[index] = new GenerationResult(cancelled ? [] : entry.Search.Sequences(),
            entry.Request.SourceIds.Length, cancelled, _encodeTime, decode, entry.Steps);
        entry.Rows = 0;
        _completed.Add(index);
    }

    private void ReleaseState()
    {
        if (_state is not null)
        {
            _finalTimings = _state.Timings;
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
    }
}
