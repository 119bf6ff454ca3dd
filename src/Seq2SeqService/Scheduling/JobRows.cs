using System.Diagnostics;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// A job as admission sees it: its segments not yet admitted, and the decoder rows it has running.
/// </summary>
internal sealed class JobRows(TranslationJob job)
{
    public TranslationJob Job { get; } = job;

    public Queue<int> Pending { get; } = new(Enumerable.Range(0, job.Segments.Count));

    /// <summary>
    /// Decoder rows it has admitted and not yet finished. The time with at least one is the job's running time; the
    /// rest of its time in the service it waited (docs/api.md#timings).
    /// </summary>
    public int RunningRows
    {
        get => _runningRows;
        set
        {
            if (_runningRows == 0 && value > 0)
            {
                _runningSince = Stopwatch.GetTimestamp();
            }
            else if (_runningRows > 0 && value == 0)
            {
                _running += Stopwatch.GetElapsedTime(_runningSince);
            }

            _runningRows = value;
        }
    }

    /// <summary>Tokens its rows generated so far, every beam or sample row counted.</summary>
    public long GeneratedTokens { get; set; }

    private int _runningRows;
    private long _runningSince;
    private TimeSpan _running;
    private int _finished;
    private TimeSpan _encode;
    private TimeSpan _decode;

    /// <summary>
    /// Records a finished row's times (its rows are already counted out of <see cref="RunningRows"/>); with the last
    /// segment, hands the job its running time and the longest encoder and decoder times of its rows, which tell
    /// how that running time divides (its segments ran side by side, so summing them would exceed the wall time).
    /// </summary>
    public void RowFinished(TimeSpan encode, TimeSpan decode)
    {
        _encode = encode > _encode ? encode : _encode;
        _decode = decode > _decode ? decode : _decode;
        if (++_finished == Job.Segments.Count)
        {
            Job.OnFinishedRunning(_running, _encode, _decode);
        }
    }

    /// <summary>Decoder rows one segment occupies: its beams, or its samples.</summary>
    public int RowCost { get; } = RowsOf(job.Settings);

    /// <summary>
    /// The decoder cache a segment's rows are estimated to hold near their end: the source's positions (cross
    /// attention) and as many generated ones (a translation is about as long as its source), for each row.
    /// </summary>
    public long CacheBytes(int segment) => 2L * Job.Segments[segment].InputIds.Count * RowCost * Job.Model.CacheBytesPerPosition;

    /// <summary>Decoder rows one sequence occupies with these settings: its beams, or its samples.</summary>
    public static int RowsOf(GenerationSettings settings) =>
        settings.NumBeams > 1 ? settings.NumBeams : settings.DoSample ? settings.NumReturnSequences : 1;
}
