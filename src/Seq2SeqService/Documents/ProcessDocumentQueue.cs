using System.Threading.Channels;

namespace Seq2SeqService.Documents;

/// <summary>
/// The queue of one process over the disk store: uploads in the order they came, after the jobs a previous run of
/// the process left queued or translating in the store (read at the first take, so they resume at start).
/// </summary>
public sealed class ProcessDocumentQueue(IDocumentStore store) : IDocumentQueue
{
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private int _resumed;

    public event Action<string>? Finished;

    public Task EnqueueAsync(string id, CancellationToken cancellation)
    {
        _pending.Writer.TryWrite(id);
        return Task.CompletedTask;
    }

    public async Task<IDocumentLease> TakeAsync(CancellationToken cancellation)
    {
        if (Interlocked.Exchange(ref _resumed, 1) == 0)
        {
            foreach (var job in await store.UnfinishedAsync(cancellation))
            {
                _pending.Writer.TryWrite(job.Id);
            }
        }

        return new Lease(this, await _pending.Reader.ReadAsync(cancellation));
    }

    /// <summary>Nobody else can take the job, so the claim is never lost; a job handed back resumes at the next start.</summary>
    private sealed class Lease(ProcessDocumentQueue queue, string id) : IDocumentLease
    {
        public string Id => id;

        public CancellationToken Lost => CancellationToken.None;

        public Task FinishAsync(CancellationToken cancellation)
        {
            queue.Finished?.Invoke(id);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
