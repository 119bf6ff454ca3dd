using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// A model the scheduler steps like the engine: a row needs one step per source word (eos included), and a
/// text containing "forever" runs until <see cref="Finish"/> is called, so tests can hold a long request in
/// the batch while they watch others, and a batch with a row containing "stall" blocks inside its step until
/// <see cref="Unstall"/>, so tests can hold one lane busy. Joins are supported or not, as asked.
/// </summary>
public sealed class SteppingModel(bool joins, ScriptedModel? inner = null) : ITranslationModel
{
    private readonly ScriptedModel _inner = inner ?? new ScriptedModel();
    private volatile bool _finishForever;
    private int _activeRows;
    private int _steps;
    private int _batchesStarted;
    private int _mostRows;
    private volatile bool _secondThread;
    private readonly ManualResetEventSlim _unstalled = new();
    private readonly ManualResetEventSlim _stalled = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string[]> _stepTexts = new();

    public string Name => _inner.Name;

    public string Variant => _inner.Variant;

    public string? SourceLanguage => _inner.SourceLanguage;

    public string? TargetLanguage => _inner.TargetLanguage;

    public int MaxInputTokens => _inner.MaxInputTokens;

    public string Architecture => _inner.Architecture;

    public bool ProvidesAttention => _inner.ProvidesAttention;

    public long CacheBytesPerPosition => _inner.CacheBytesPerPosition;

    public GenerationSettings Defaults => _inner.Defaults;

    /// <summary>Rows left in the batch that stepped last.</summary>
    public int ActiveRows => Volatile.Read(ref _activeRows);

    /// <summary>The most rows one step ran, the warm-up's included.</summary>
    public int MostRows => Volatile.Read(ref _mostRows);

    /// <summary>Whether <see cref="StepTexts"/> is kept: off by default, since a row held by "forever" steps without end.</summary>
    public bool RecordsSteps { get; init; }

    /// <summary>With <see cref="RecordsSteps"/>, the source texts of the rows each step ran, in the order the steps ran,
    /// over all batches.</summary>
    public IReadOnlyCollection<string[]> StepTexts => _stepTexts;

    /// <summary>Steps taken, over all batches.</summary>
    public int Steps => Volatile.Read(ref _steps);

    /// <summary>What the scheduler last said about a second thread for a step (IRunningBatch.AllowSecondThread).</summary>
    public bool SecondThreadAllowed => _secondThread;

    /// <summary>Batches started (joins do not start one).</summary>
    public int BatchesStarted => Volatile.Read(ref _batchesStarted);

    public void Finish() => _finishForever = true;

    /// <summary>Forgets the warm-up's batches and steps, so a test counts only its own.</summary>
    public void ResetCounts()
    {
        Interlocked.Exchange(ref _steps, 0);
        Interlocked.Exchange(ref _batchesStarted, 0);
        _stepTexts.Clear();
    }

    /// <summary>Whether a step blocks on a "stall" row.</summary>
    public bool IsStalled => _stalled.IsSet;

    public void Unstall() => _unstalled.Set();

    public SourceTokens Tokenize(string text) => _inner.Tokenize(text);

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        _inner.Generate(sequences, settings, stopping);

    public IRunningBatch Start(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        Interlocked.Increment(ref _batchesStarted);
        var batch = new Batch(this, joins, stopping);
        batch.Add(sequences);
        return batch;
    }

    private sealed class Batch(SteppingModel owner, bool joins, CancellationToken stopping) : IRunningBatch
    {
        private readonly List<(BatchSequence Sequence, int Remaining)> _rows = [];
        private bool _stepped;

        public bool IsCompleted => _stepped && _rows.Count == 0;

        public int ActiveRows => _rows.Count;

        public bool CanAdmit => joins && _stepped && _rows.Count > 0;

        public void Admit(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings) => Add(sequences);

        public void AllowSecondThread(bool allowed) => owner._secondThread = allowed;

        public void Add(IReadOnlyList<BatchSequence> sequences)
        {
            foreach (var sequence in sequences)
            {
                _rows.Add((sequence, sequence.InputIds.Count));
            }
        }

        public IReadOnlyList<FinishedRow> Step()
        {
            _stepped = true;
            if (_rows.Any(r => ScriptedModel.TextOf(r.Sequence).Contains("stall", StringComparison.Ordinal)))
            {
                owner._stalled.Set();
                owner._unstalled.Wait();
            }

            Interlocked.Increment(ref owner._steps);
            if (owner.RecordsSteps)
            {
                owner._stepTexts.Enqueue([.. _rows.Select(r => ScriptedModel.TextOf(r.Sequence))]);
            }
            InterlockedMax(ref owner._mostRows, _rows.Count);
            var finished = new List<FinishedRow>();
            for (var i = 0; i < _rows.Count; i++)
            {
                var (sequence, remaining) = _rows[i];
                var text = ScriptedModel.TextOf(sequence);
                if (sequence.Cancellation.IsCancellationRequested || stopping.IsCancellationRequested)
                {
                    finished.Add(new FinishedRow(sequence, null, TimeSpan.Zero, TimeSpan.Zero));
                }
                else if (remaining > 1 || (text.Contains("forever", StringComparison.Ordinal) && !owner._finishForever))
                {
                    _rows[i] = (sequence, remaining - 1);
                    continue;
                }
                else
                {
                    finished.Add(new FinishedRow(sequence, new SequenceOutput([new Candidate($"<0>{text}", FinishReason.Eos, 1)]), TimeSpan.Zero, TimeSpan.Zero));
                }

                _rows.RemoveAt(i--);
            }

            Interlocked.Exchange(ref owner._activeRows, _rows.Count);
            return finished;
        }

        public void Dispose()
        {
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var now && now != seen)
        {
            seen = now;
        }
    }
}
