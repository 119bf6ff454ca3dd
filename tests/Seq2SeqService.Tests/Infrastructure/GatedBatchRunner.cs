using System.Threading.Channels;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// Wraps the real runner; every batch announces itself on <see cref="Started"/> and waits until the test
/// calls <see cref="Release"/>, so tests decide exactly when batches (the warm-up included) run.
/// </summary>
public sealed class GatedBatchRunner : IBatchRunner
{
    private readonly IBatchRunner _inner = new ModelBatchRunner();
    private readonly SemaphoreSlim _gate = new(0);
    private readonly Channel<Batch> _started = Channel.CreateUnbounded<Batch>();

    public ChannelReader<Batch> Started => _started.Reader;

    public void Release(int batches = 1) => _gate.Release(batches);

    public async Task<BatchOutput> RunAsync(Batch batch, CancellationToken stopping)
    {
        _started.Writer.TryWrite(batch);
        await _gate.WaitAsync(stopping);
        return await _inner.RunAsync(batch, stopping);
    }

    /// <summary>Waits (bounded) until the next batch has started and returns it.</summary>
    public async Task<Batch> NextStartedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _started.Reader.ReadAsync(timeout.Token);
    }
}
