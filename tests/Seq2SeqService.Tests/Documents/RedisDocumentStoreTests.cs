using Microsoft.Extensions.Logging.Abstractions;
using Seq2SeqService.Documents;
using Seq2SeqService.Options;
using Seq2SeqService.Testing;
using StackExchange.Redis;

namespace Seq2SeqService.Tests.Documents;

/// <summary>The Redis store and queue against a real redis-server, each "replica" with its own connection.</summary>
public sealed class RedisDocumentStoreTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_job_its_file_and_translation_are_one_key_that_redis_expires_at_the_jobs_expiry()
    {
        var (redis, store, job) = await StoredJobAsync();
        using var connection = redis;
        await store.CompleteAsync(job with { Status = DocumentStatus.Done, Progress = 1 }, "<0>Hello."u8.ToArray(), CancellationToken.None);

        (await store.GetAsync(job.Id, CancellationToken.None))!.Status.Should().Be(DocumentStatus.Done);
        (await store.ReadFileAsync(job.Id, CancellationToken.None)).Should().Equal("Hello."u8.ToArray());
        (await store.ReadTranslationAsync(job.Id, CancellationToken.None)).Should().Equal("<0>Hello."u8.ToArray());
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"seq2seq:documents:job:{job.Id}");
        ttl.Should().BeCloseTo(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_deleted_job_is_not_brought_back_by_a_late_update()
    {
        var (redis, store, job) = await StoredJobAsync();
        using var connection = redis;

        await store.DeleteAsync(job.Id, CancellationToken.None);
        await store.UpdateAsync(job with { Status = DocumentStatus.Translating }, CancellationToken.None);
        await store.CompleteAsync(job with { Status = DocumentStatus.Done }, "x"u8.ToArray(), CancellationToken.None);

        (await store.GetAsync(job.Id, CancellationToken.None)).Should().BeNull();
        (await redis.GetDatabase().KeyExistsAsync($"seq2seq:documents:job:{job.Id}")).Should().BeFalse();
    }

    [Fact]
    public async Task A_queued_job_is_taken_by_one_replica_and_a_handed_back_one_at_once_by_another()
    {
        using var a = await ReplicaAsync(TimeSpan.FromMinutes(5));
        using var b = await ReplicaAsync(TimeSpan.FromMinutes(5));

        var (id, taken) = await a.EnqueueAndTakeAsync();
        var bTakes = b.Queue.TakeAsync(CancellationToken.None);

        taken.Id.Should().Be(id);
        bTakes.IsCompleted.Should().BeFalse("the job is A's while A holds it");
        // A stops without finishing: the job is due again now, not when a five-minute lease lapses.
        await taken.DisposeAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (await bTakes.WaitAsync(deadline.Token)).Id.Should().Be(id);
    }

    [Fact]
    public async Task A_job_whose_replica_lost_redis_is_taken_by_another_once_its_lease_lapses_and_the_first_is_told()
    {
        using var a = await ReplicaAsync(TimeSpan.FromSeconds(1.5));
        using var b = await ReplicaAsync(TimeSpan.FromSeconds(1.5));
        var (id, taken) = await a.EnqueueAndTakeAsync();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        taken.Lost.Register(lost.SetResult);

        // A's connection goes (a replica cut off, or killed): nobody renews its claim.
        a.Redis.Dispose();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var retaken = await b.Queue.TakeAsync(deadline.Token);

        retaken.Id.Should().Be(id);
        await lost.Task.WaitAsync(deadline.Token);
    }

    [Fact]
    public async Task A_finished_job_leaves_the_queue_and_every_replica_hears_of_it()
    {
        using var a = await ReplicaAsync(TimeSpan.FromSeconds(1.5));
        using var b = await ReplicaAsync(TimeSpan.FromSeconds(1.5));
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Queue.Finished += finished => heard.TrySetResult(finished);

        var (id, lease) = await a.EnqueueAndTakeAsync();
        await lease.FinishAsync(CancellationToken.None);
        await lease.DisposeAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (await heard.Task.WaitAsync(deadline.Token)).Should().Be(id);
        (await a.Redis.GetDatabase().SortedSetLengthAsync(RedisDocumentQueue.QueueKey)).Should().Be(0);
        (await a.Redis.GetDatabase().HashLengthAsync("seq2seq:documents:claims")).Should().Be(0);
    }

    private Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);

    private async Task<Replica> ReplicaAsync(TimeSpan lease)
    {
        var redis = await ConnectAsync();
        return new Replica(redis, new RedisDocumentQueue(redis,
            Microsoft.Extensions.Options.Options.Create(new DocumentOptions { RedisLeaseSeconds = lease.TotalSeconds }),
            NullLogger<RedisDocumentQueue>.Instance));
    }

    /// <summary>What one replica has of Redis: its own connection, and the queue over it.</summary>
    private sealed record Replica(ConnectionMultiplexer Redis, RedisDocumentQueue Queue) : IDisposable
    {
        public async Task<(string Id, IDocumentLease Lease)> EnqueueAndTakeAsync()
        {
            var id = DocumentJob.NewId();
            await Queue.EnqueueAsync(id, CancellationToken.None);
            return (id, await Queue.TakeAsync(CancellationToken.None));
        }

        public void Dispose()
        {
            Queue.Dispose();
            Redis.Dispose();
        }
    }

    /// <summary>A job of "Hello." stored in Redis for ten minutes, through a connection of its own.</summary>
    private async Task<(ConnectionMultiplexer Redis, RedisDocumentStore Store, DocumentJob Job)> StoredJobAsync()
    {
        var redis = await ConnectAsync();
        var store = new RedisDocumentStore(redis, TimeProvider.System);
        var job = new DocumentJob
        {
            Id = DocumentJob.NewId(), Key = DocumentJob.NewKey(), Owner = "anonymous", FileName = "a.txt", Format = "txt",
            Model = "en-xx", Api = "deepl", Created = DateTimeOffset.UtcNow, Expires = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10),
            BilledCharacters = 6,
        };
        await store.CreateAsync(job, "Hello."u8.ToArray(), CancellationToken.None);
        return (redis, store, job);
    }
}
