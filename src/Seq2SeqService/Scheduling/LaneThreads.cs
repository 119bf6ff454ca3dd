using System.Collections.Concurrent;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// The threads lane steps run on, one per lane, outside the .NET thread pool. A step holds its thread inside ONNX
/// Runtime for milliseconds to a few hundred; run on the pool, two such steps took every pool thread a 2-core machine
/// starts with, and the request handlers and the scheduler's own loop then waited for the pool to add a thread, which
/// it does only after about half a second: a streamed text's first sentence, translated in 34 ms, was written 330 ms
/// later (docs/scheduling.md).
/// </summary>
internal sealed class LaneThreads : IDisposable
{
    private readonly BlockingCollection<(LaneStep Step, TaskCompletionSource<LaneStep> Done)> _steps = [];

    public LaneThreads(int lanes)
    {
        for (var i = 0; i < lanes; i++)
        {
            new Thread(Work) { IsBackground = true, Name = $"lane {i + 1}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="step"/> on the next free lane thread; what awaits it continues on the pool.</summary>
    public Task<LaneStep> Run(LaneStep step)
    {
        var done = new TaskCompletionSource<LaneStep>(TaskCreationOptions.RunContinuationsAsynchronously);
        _steps.Add((step, done));
        return done.Task;
    }

    /// <summary>Lets the threads end once the steps handed to them are done.</summary>
    public void Dispose() => _steps.CompleteAdding();

    private void Work()
    {
        foreach (var (step, done) in _steps.GetConsumingEnumerable())
        {
            // LaneStep.Run keeps its own failures in the step; this only guards the loop's await against anything else.
            try
            {
                done.SetResult(step.Run());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
