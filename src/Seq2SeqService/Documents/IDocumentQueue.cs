namespace Seq2SeqService.Documents;

/// <summary>
/// The stored jobs waiting for a worker. Every process sharing a store shares its queue, so a job uploaded to one
/// replica is translated by one replica, whichever takes it first (<see cref="ProcessDocumentQueue"/> for the disk
/// store, <see cref="RedisDocumentQueue"/> for Redis).
/// </summary>
public interface IDocumentQueue
{
    /// <summary>A job of any process that shares this queue finished (done or error): its id.</summary>
    event Action<string>? Finished;

    /// <summary>Makes a stored job available to the next worker that asks.</summary>
    Task EnqueueAsync(string id, CancellationToken cancellation);

    /// <summary>Waits for the next job to translate and holds it for this process until the lease ends.</summary>
    Task<IDocumentLease> TakeAsync(CancellationToken cancellation);
}

/// <summary>
/// A job taken by this process. <see cref="FinishAsync"/> takes it off the queue once it is done or failed; disposed
/// without it (the process stopping), the job is handed back for any process to take again.
/// </summary>
public interface IDocumentLease : IAsyncDisposable
{
    string Id { get; }

    /// <summary>Fires when the claim could not be kept: another process may have the job now, so this one stops.</summary>
    CancellationToken Lost { get; }

    Task FinishAsync(CancellationToken cancellation);
}
