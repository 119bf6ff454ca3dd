namespace Seq2SeqService.Scheduling;

/// <summary>
/// A job as admission sees it: its segments not yet admitted, and the decoder rows it has running.
/// </summary>
internal sealed class JobRows(TranslationJob job, CancellationToken rowsToken)
{
    public TranslationJob Job { get; } = job;

    /// <summary>Cancelled when the job ends some other way (client gone, failure), so its rows leave at the next step.</summary>
    public CancellationToken RowsToken { get; } = rowsToken;

    public Queue<int> Pending { get; } = new(Enumerable.Range(0, job.Segments.Count));

    public int RunningRows { get; set; }

    /// <summary>Tokens its rows generated so far, every beam or sample row counted.</summary>
    public long GeneratedTokens { get; set; }

    private int _finished;
    private TimeSpan _encode;
    private TimeSpan _decode;

    /// <summary>
    /// Records a finished row's times; with the last segment, hands the job the longest of each (its segments
    /// ran side by side, so summing them would exceed the wall time).
    /// </summary>
    public void RowFinished(TimeSpan encode, TimeSpan decode)
    {
        _encode = encode > _encode ? encode : _encode;
        _decode = decode > _decode ? decode : _decode;
        if (++_finished == Job.Segments.Count)
        {
            Job.OnBatchFinished(_encode, _decode);
        }
    }

    /// <summary>Decoder rows one segment occupies: its beams, or its samples.</summary>
    public int RowCost { get; } = RowsOf(job.Settings);

    /// <summary>Decoder rows one sequence occupies with these settings: its beams, or its samples.</summary>
    public static int RowsOf(GenerationSettings settings) =>
        settings.NumBeams > 1 ? settings.NumBeams : settings.DoSample ? settings.NumReturnSequences : 1;
}
