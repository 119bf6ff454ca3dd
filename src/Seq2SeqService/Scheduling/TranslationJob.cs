using System.Diagnostics;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// One accepted translate request: its sequences (every segment of every text), and the aggregator of their rows'
/// events — each segment's output as it finishes (<see cref="SegmentFinished"/>, for streams) and the completion
/// the endpoint awaits. Completes exactly once — with every row's output, with a <see cref="JobFailedException"/>,
/// or as cancelled when the client goes away — and its one <see cref="RowsCancellation"/> then stops whatever
/// rows it still has.
/// </summary>
public sealed class TranslationJob
{
    private const int Waiting = 0, Running = 1, Finished = 2;

    private readonly TaskCompletionSource<IReadOnlyList<SequenceOutput>> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SequenceOutput?[] _outputs;
    private readonly object _statsLock = new();
    private readonly CancellationTokenSource _rows = new();
    private int _state;
    private int _remaining;
    private CancellationTokenRegistration _cancellation;
    private CancellationTokenRegistration _deadline;

    public TranslationJob(IBatchModel model, GenerationSettings settings, IReadOnlyList<Segment> segments,
        CancellationToken cancellation, long work)
    {
        Model = model;
        Settings = settings;
        Segments = segments;
        Cancellation = cancellation;
        _outputs = new SequenceOutput?[segments.Count];
        _remaining = segments.Count;
        Work = work;
        AcceptedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Estimated work in token steps (<see cref="WorkEstimate"/>), what admission counts; given by the translation
    /// service, which sums it as it splits the texts to refuse an oversized request early.
    /// </summary>
    public long Work { get; }

    public IBatchModel Model { get; }

    public GenerationSettings Settings { get; }

    public IReadOnlyList<Segment> Segments { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>
    /// Fires once the job has finished in any way (client gone, deadline, failure, or done), so its rows still in a
    /// batch leave at the next step: the one cancellation every row of the request carries.
    /// </summary>
    public CancellationToken RowsCancellation => _rows.Token;

    /// <summary>Fires when the request's time is up; the job then fails as <see cref="JobFailure.DeadlineExceeded"/>.</summary>
    public CancellationToken Deadline { get; init; }

    /// <summary>Called with each segment's output as it finishes, on the scheduler's thread (for streamed answers).</summary>
    public Action<int, SequenceOutput>? SegmentFinished { get; init; }

    /// <summary>
    /// Called with a segment's text as it grows, step by step, on a lane's thread (for streamed answers); only set
    /// for single-hypothesis settings, whose tokens are final as they come.
    /// </summary>
    public Action<int, string>? TextAppended { get; init; }

    /// <summary>Whether the job's outputs carry their attention.</summary>
    public bool ReturnAttention { get; init; }

    public long AcceptedAt { get; }

    public Task<IReadOnlyList<SequenceOutput>> Completion => _completion.Task;

    public bool IsFinished => Volatile.Read(ref _state) == Finished;

    /// <summary>
    /// Until the job's rows are done, the time from acceptance to the start of its first batch; then all the time it
    /// had no row in the decoder (before its first slice and between slices), so that queue, encode and decode
    /// times add up to its time from acceptance to its last row.
    /// </summary>
    public TimeSpan QueueTime { get; private set; }

    /// <summary>Its share of the time it had rows in the decoder spent encoding.</summary>
    public TimeSpan EncodeTime { get; private set; }

    /// <summary>The rest of the time it had rows in the decoder.</summary>
    public TimeSpan DecodeTime { get; private set; }

    /// <summary>Size of each batch that carried part of the job.</summary>
    public List<int> BatchSizes { get; } = [];

    /// <summary>Raised once when the job leaves the waiting state, by starting or by finishing.</summary>
    internal event Action? LeftWaiting;

    /// <summary>Raised once, synchronously, just before the completion is set.</summary>
    internal event Action? Finishing;

    internal void WatchCancellation()
    {
        _cancellation = Cancellation.Register(static state => ((TranslationJob)state!).Cancel(), this);
        _deadline = Deadline.Register(static state => ((TranslationJob)state!).Fail(JobFailure.DeadlineExceeded), this);
    }

    /// <returns>Whether this was the job's first batch.</returns>
    internal bool OnBatchStarted(int batchSize, long startedAt)
    {
        lock (_statsLock)
        {
            BatchSizes.Add(batchSize);
        }

        if (Interlocked.CompareExchange(ref _state, Running, Waiting) != Waiting)
        {
            return false;
        }

        QueueTime = Stopwatch.GetElapsedTime(AcceptedAt, startedAt);
        LeftWaiting?.Invoke();
        return true;
    }

    /// <param name="running">Time with at least one of its rows in the decoder.</param>
    /// <param name="encode">Its rows' longest encoder time.</param>
    /// <param name="decode">Its rows' longest decoder time.</param>
    internal void OnFinishedRunning(TimeSpan running, TimeSpan encode, TimeSpan decode)
    {
        var measured = encode + decode;
        var encoding = measured > TimeSpan.Zero ? running * (encode / measured) : TimeSpan.Zero;
        var waited = Stopwatch.GetElapsedTime(AcceptedAt) - running;
        lock (_statsLock)
        {
            EncodeTime = encoding;
            DecodeTime = running - encoding;
            QueueTime = waited > TimeSpan.Zero ? waited : TimeSpan.Zero;
        }
    }

    internal void SetOutput(int segment, SequenceOutput output)
    {
        _outputs[segment] = output;
        SegmentFinished?.Invoke(segment, output);
        if (Interlocked.Decrement(ref _remaining) == 0 && TryFinish())
        {
            _completion.TrySetResult(_outputs!);
        }
    }

    internal void Fail(JobFailure reason)
    {
        if (TryFinish())
        {
            _completion.TrySetException(new JobFailedException(reason));
        }
    }

    private void Cancel()
    {
        if (TryFinish())
        {
            _completion.TrySetCanceled(Cancellation);
        }
    }

    private bool TryFinish()
    {
        var previous = Interlocked.Exchange(ref _state, Finished);
        if (previous == Finished)
        {
            return false;
        }

        if (previous == Waiting)
        {
            LeftWaiting?.Invoke();
        }

        Finishing?.Invoke();
        _cancellation.Dispose();
        _deadline.Dispose();
        // Nothing registers on it and it has no timer, so it needs no disposal.
        _rows.Cancel();
        return true;
    }
}
