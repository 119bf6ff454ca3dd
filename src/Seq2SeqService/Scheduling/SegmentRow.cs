namespace Seq2SeqService.Scheduling;

/// <summary>
/// One segment of a job as a batch runs it: made when admission picks the segment, handed to the engine as its
/// sequence, and given back by the step that ends it, so no stage keeps a map from row numbers to segments. It
/// carries the job's one cancellation (<see cref="TranslationJob.RowsCancellation"/>).
/// </summary>
internal sealed class SegmentRow(JobRows job, int segment) : BatchSequence(job.Job.Segments[segment].InputIds,
    job.Job.RowsCancellation, job.Job.ReturnAttention, job.Job.Segments[segment].MaxNewTokens)
{
    public JobRows Job { get; } = job;

    public int Segment { get; } = segment;

    /// <summary>Decoder rows it occupies: its beams, or its samples.</summary>
    public int Cost => Job.RowCost;

    /// <summary>Its decoder cache as admission estimates it (<see cref="JobRows.CacheBytes"/>).</summary>
    public long CacheBytes => Job.CacheBytes(Segment);

    public override bool WantsText => Job.Job.TextAppended is not null;

    public override void TextAppended(string text) => Job.Job.TextAppended?.Invoke(Segment, text);

    /// <summary>
    /// Hands the row's end to its job, on the scheduler's loop. A row without output was stopped: by its job's own
    /// end (nothing more to do) or by the drain deadline (the job fails as stopped).
    /// </summary>
    public void Finish(FinishedRow finished)
    {
        Job.RunningRows -= Cost;
        if (finished.Output is not { } output)
        {
            Job.Job.Fail(JobFailure.Stopped);
            return;
        }

        Job.RowFinished(finished.EncodeTime, finished.DecodeTime);
        Job.Job.SetOutput(Segment, output);
    }
}
