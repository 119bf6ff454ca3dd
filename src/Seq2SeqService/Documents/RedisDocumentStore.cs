using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace Seq2SeqService.Documents;

/// <summary>
/// The store replicas share (<see cref="Options.DocumentOptions.Redis"/>): one Redis hash per job (<c>job</c>,
/// <c>file</c>, <c>translation</c>) that Redis itself deletes at the job's expiry, so any replica answers a status
/// or a download, and nothing outlives its time-to-live. A failing Redis surfaces as an <see cref="IOException"/>,
/// as a failing disk does.
/// </summary>
public sealed class RedisDocumentStore(IConnectionMultiplexer redis, TimeProvider time) : IDocumentStore
{
    private const string JobField = "job";
    private const string FileField = "file";
    private const string TranslationField = "translation";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private IDatabase Database => redis.GetDatabase();

    public Task CreateAsync(DocumentJob job, byte[] file, CancellationToken cancellation) => GuardAsync(async () =>
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.HashSetAsync(KeyOf(job.Id), [new(JobField, Serialize(job)), new(FileField, file)]);
        _ = transaction.KeyExpireAsync(KeyOf(job.Id), job.Expires.UtcDateTime);
        await transaction.ExecuteAsync();
        return true;
    });

    public Task<DocumentJob?> GetAsync(string id, CancellationToken cancellation) => GuardAsync(async () =>
    {
        var bytes = (byte[]?)await Database.HashGetAsync(KeyOf(id), JobField);
        var job = bytes is null ? null : JsonSerializer.Deserialize<DocumentJob>(bytes, Json);
        return job is null || job.Expires <= time.GetUtcNow() ? null : job;
    });

    public Task UpdateAsync(DocumentJob job, CancellationToken cancellation) =>
        SetIfPresentAsync(job, [new(JobField, Serialize(job))]);

    public Task<byte[]?> ReadFileAsync(string id, CancellationToken cancellation) => ReadAsync(id, FileField);

    public Task CompleteAsync(DocumentJob job, byte[] translation, CancellationToken cancellation) =>
        SetIfPresentAsync(job, [new(JobField, Serialize(job)), new(TranslationField, translation)]);

    public Task<byte[]?> ReadTranslationAsync(string id, CancellationToken cancellation) => ReadAsync(id, TranslationField);

    public Task DeleteAsync(string id, CancellationToken cancellation) => GuardAsync(() => Database.KeyDeleteAsync(KeyOf(id)));

    /// <summary>The jobs still on the shared queue; nothing reads them at start, since the queue itself survives restarts.</summary>
    public Task<IReadOnlyList<DocumentJob>> UnfinishedAsync(CancellationToken cancellation) => GuardAsync(async () =>
    {
        var jobs = new List<DocumentJob>();
        foreach (var id in await Database.SortedSetRangeByRankAsync(RedisDocumentQueue.QueueKey))
        {
            if (await GetAsync(id.ToString(), cancellation) is { Status: DocumentStatus.Queued or DocumentStatus.Translating } job)
            {
                jobs.Add(job);
            }
        }

        return (IReadOnlyList<DocumentJob>)jobs;
    });

    /// <summary>Redis expires the jobs; what remains is queue entries of jobs that expired before a worker took them.</summary>
    public Task<int> RemoveExpiredAsync(CancellationToken cancellation) => GuardAsync(async () =>
    {
        var removed = 0;
        foreach (var id in await Database.SortedSetRangeByRankAsync(RedisDocumentQueue.QueueKey))
        {
            if (!await Database.KeyExistsAsync(KeyOf(id.ToString())) &&
                await Database.SortedSetRemoveAsync(RedisDocumentQueue.QueueKey, id))
            {
                removed++;
            }
        }

        return removed;
    });

    internal static RedisKey KeyOf(string id) => DocumentJob.IsId(id)
        ? $"{RedisDocumentQueue.Prefix}job:{id}"
        : throw new ArgumentException("Not a document id.", nameof(id));

    private static byte[] Serialize(DocumentJob job) => JsonSerializer.SerializeToUtf8Bytes(job, Json);

    /// <summary>
    /// Writes only while the job exists: a job downloaded and deleted, or expired, is not brought back (without its
    /// expiry) by a worker's late progress.
    /// </summary>
    private Task SetIfPresentAsync(DocumentJob job, HashEntry[] fields) => GuardAsync(async () =>
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.KeyExists(KeyOf(job.Id)));
        _ = transaction.HashSetAsync(KeyOf(job.Id), fields);
        return await transaction.ExecuteAsync();
    });

    private Task<byte[]?> ReadAsync(string id, string field) => GuardAsync(async () => (byte[]?)await Database.HashGetAsync(KeyOf(id), field));

    private static async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw new IOException("The Redis document store failed: " + e.Message, e);
        }
    }
}
