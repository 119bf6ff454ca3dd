namespace Seq2SeqService.Scheduling;

/// <summary>
/// One step of a batch as a lane runs it, on the lane's thread: the encoder for a new batch's first rows or for the
/// rows joining it, then one decoder step. Any failure fails the whole step, newcomers included.
/// </summary>
internal sealed class LaneStep(
    ScheduledBatch batch,
    (IReadOnlyList<BatchSequence> Sequences, GenerationSettings Settings, CancellationToken Stopping)? start,
    IReadOnlyList<(IReadOnlyList<BatchSequence> Sequences, GenerationSettings Settings)> joining,
    bool secondThread)
{
    public ScheduledBatch Batch { get; } = batch;

    /// <summary>The engine batch this step started, if it was the first.</summary>
    public IRunningBatch? Started { get; private set; }

    /// <summary>Decoder rows the step ran.</summary>
    public int Rows { get; private set; }

    public IReadOnlyList<FinishedRow> Finished { get; private set; } = [];

    public Exception? Error { get; private set; }

    /// <summary>Wall time of the step, newcomers' encoder included.</summary>
    public TimeSpan Duration { get; private set; }

    public LaneStep Run()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var engine = Batch.Batch;
            if (start is { } s)
            {
                engine = Started = Batch.Model.Start(s.Sequences, s.Settings, s.Stopping);
            }

            foreach (var (sequences, settings) in joining)
            {
                engine!.Admit(sequences, settings);
            }

            engine!.AllowSecondThread(secondThread);
            Rows = engine.ActiveRows;
            Finished = engine.Step();
        }
        catch (Exception e)
        {
            Error = e;
        }

        Duration = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        return this;
    }
}
