using System.Collections.Concurrent;

namespace Seq2SeqService.Documents;

/// <summary>
/// Waits for a job's end, whichever replica translated it, for APIs that answer an upload with the result: the
/// queue's announcement ends the wait, and the store is read again every few seconds should one be lost.
/// </summary>
public sealed class DocumentCompletions : IDisposable
{
    /// <summary>How often a wait reads the store anyway.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private readonly IDocumentStore _store;
    private readonly IDocumentQueue _queue;
    private readonly TimeProvider _time;

    public DocumentCompletions(IDocumentStore store, IDocumentQueue queue, TimeProvider time)
    {
        _store = store;
        _queue = queue;
        _time = time;
        queue.Finished += Finished;
    }

    /// <summary>The job once done or failed, as the store has it; <see langword="null"/> once gone.</summary>
    public async Task<DocumentJob?> WhenFinishedAsync(string id, CancellationToken cancellation)
    {
        while (true)
        {
            var finished = _waiting.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            // Read after registering, so a job that finished in between is not waited for.
            var job = await _store.GetAsync(id, cancellation);
            if (job is not { Status: DocumentStatus.Queued or DocumentStatus.Translating })
            {
                _waiting.TryRemove(id, out _);
                return job;
            }

            try
            {
                await finished.Task.WaitAsync(Recheck, _time, cancellation);
            }
            catch (TimeoutException)
            {
                // Read the store again.
            }
        }
    }

    public void Dispose() => _queue.Finished -= Finished;

    private void Finished(string id)
    {
        if (_waiting.TryRemove(id, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
