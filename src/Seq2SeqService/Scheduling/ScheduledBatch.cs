using System.Diagnostics;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// A batch as the scheduler's loop keeps it: the engine batch (started by its first step), the rows it runs, and
/// the rows planned to join at its next step. Only the loop touches it, and never while a step of it runs on a
/// lane; the lane gets a <see cref="LaneStep"/> of its own.
/// </summary>
internal sealed class ScheduledBatch(IBatchModel model, Activity? span, bool solo = false)
{
    private List<(IReadOnlyList<BatchSequence> Sequences, GenerationSettings Settings)> _joining = [];
    private (IReadOnlyList<BatchSequence> Sequences, GenerationSettings Settings)? _start;
    private bool _stepped;

    /// <summary>The batch's trace span, from its start to its last step.</summary>
    public Activity? Span { get; } = span;

    public IBatchModel Model { get; } = model;

    /// <summary>The engine batch; <see langword="null"/> until the first step has encoded the first rows.</summary>
    public IRunningBatch? Batch { get; private set; }

    private readonly List<SegmentRow> _rows = [];

    /// <summary>The rows running or planned here.</summary>
    public IReadOnlyList<SegmentRow> Rows => _rows;

    /// <summary>Decoder rows (beams and samples counted) running or planned here; kept as rows come and go, since the
    /// planner reads it for every batch on every plan.</summary>
    public int ActiveRows { get; private set; }

    /// <summary>The estimated decoder cache of the rows running or planned here, kept like <see cref="ActiveRows"/>.</summary>
    public long CacheBytes { get; private set; }

    /// <summary>
    /// Whether it was started for one job's first row alone, which it runs as a lone request would: it never takes
    /// joins (a row joining it would be encoded in that row's next step and widen every later one), and ends with it.
    /// </summary>
    public bool Solo { get; } = solo;

    /// <summary>Whether newcomers may join it at its next step, as last seen between its steps.</summary>
    public bool Joinable { get; private set; }

    /// <summary>Whether it could take joins once (solo or not): its model's decoder supports them, so newcomers had better
    /// wait for a batch that takes them.</summary>
    public bool Joins { get; private set; }

    public bool Stepping { get; private set; }

    /// <summary>Plans rows for the next step: the first rows start the batch, later ones join it.</summary>
    public void Plan(IReadOnlyList<SegmentRow> rows, GenerationSettings settings)
    {
        if (_stepped || _start is not null)
        {
            _joining.Add((rows, settings));
        }
        else
        {
            _start = (rows, settings);
        }

        foreach (var row in rows)
        {
            _rows.Add(row);
            ActiveRows += row.Cost;
            CacheBytes += row.CacheBytes;
        }
    }

    /// <summary>Takes out a row that a step ended.</summary>
    public void Remove(SegmentRow row)
    {
        _rows.Remove(row);
        ActiveRows -= row.Cost;
        CacheBytes -= row.CacheBytes;
    }

    /// <summary>Hands the next step to a lane: what it must start or admit first, then the step itself.</summary>
    public LaneStep TakeStep(bool secondThread, CancellationToken stopping)
    {
        Stepping = true;
        _stepped = true;
        var step = new LaneStep(this, _start is { } start ? (start.Sequences, start.Settings, stopping) : null, _joining, secondThread);
        _start = null;
        _joining = [];
        return step;
    }

    /// <summary>Back on the loop after a step: the batch is idle again.</summary>
    public void StepDone(IRunningBatch? started)
    {
        Stepping = false;
        Batch ??= started;
        var admits = Batch is { CanAdmit: true } && !Batch.IsCompleted;
        Joinable = !Solo && admits;
        Joins |= admits;
    }

    public void End()
    {
        Batch?.Dispose();
        Span?.Dispose();
    }
}
