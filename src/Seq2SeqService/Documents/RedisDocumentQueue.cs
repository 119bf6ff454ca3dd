using Microsoft.Extensions.Options;
using Seq2SeqService.Options;
using StackExchange.Redis;

namespace Seq2SeqService.Documents;

/// <summary>
/// The queue replicas share through Redis: a sorted set of job ids scored by when each may be taken. Taking a job
/// (one Lua script, so two replicas never take the same one) pushes its score a lease into the future and records
/// the taker; the taker renews the lease while it translates. A replica that stops without handing its job back
/// stops renewing, and once the lease lapses the job is due again for any replica: a job is never lost, and is
/// translated by one replica at a time. Times are Redis's own (<c>TIME</c>), so replicas' clocks do not matter.
/// Uploads and finished jobs are announced on pub/sub channels; a lost message only delays a take to the next poll.
/// </summary>
public sealed class RedisDocumentQueue : IDocumentQueue, IDisposable
{
    public const string Prefix = "seq2seq:documents:";
    public const string QueueKey = Prefix + "queue";
    private const string ClaimsKey = Prefix + "claims";

    private static readonly RedisChannel QueuedChannel = RedisChannel.Literal(Prefix + "queued");
    private static readonly RedisChannel FinishedChannel = RedisChannel.Literal(Prefix + "finished");

    private const string Now = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";

    private const string EnqueueScript = Now + "redis.call('ZADD', KEYS[1], 'NX', now, ARGV[1])";

    private const string TakeScript = Now + """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
        if #due == 0 then return false end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), due[1])
        redis.call('HSET', KEYS[2], due[1], ARGV[2])
        return due[1]
        """;

    /// <summary>ARGV[3]: the lease to set (renew) or 0 (hand back, due at once); ARGV[3] = -1 finishes.</summary>
    private const string SettleScript = Now + """
        if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
        local lease = tonumber(ARGV[3])
        if lease < 0 then
          redis.call('ZREM', KEYS[1], ARGV[1])
          redis.call('HDEL', KEYS[2], ARGV[1])
        elseif lease == 0 then
          redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
          redis.call('HDEL', KEYS[2], ARGV[1])
        else
          redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[1])
        end
        return 1
        """;

    private static readonly RedisKey[] Keys = [QueueKey, ClaimsKey];

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeSpan _lease;
    private readonly ILogger<RedisDocumentQueue> _log;
    private readonly SemaphoreSlim _queued = new(0);

    public RedisDocumentQueue(IConnectionMultiplexer redis, IOptions<DocumentOptions> options, ILogger<RedisDocumentQueue> log)
    {
        _redis = redis;
        _lease = options.Value.RedisLease;
        _log = log;
        // Not awaited: a Redis that is not up yet must not stop the service from starting; the multiplexer keeps
        // the subscriptions and sends them whenever it (re)connects.
        var subscriber = redis.GetSubscriber();
        subscriber.Subscribe(QueuedChannel, (_, _) => Wake(), CommandFlags.FireAndForget);
        subscriber.Subscribe(FinishedChannel, (_, id) => Finished?.Invoke(id.ToString()), CommandFlags.FireAndForget);
    }

    public event Action<string>? Finished;

    /// <summary>How often an idle worker looks for due jobs without being told: lapsed leases are not announced.</summary>
    private TimeSpan Poll => _lease / 3;

    private IDatabase Database => _redis.GetDatabase();

    /// <summary>This process, as the claims record it; unique per start, so a restarted replica never renews an old claim.</summary>
    private string Token { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task EnqueueAsync(string id, CancellationToken cancellation)
    {
        try
        {
            await Database.ScriptEvaluateAsync(EnqueueScript, [QueueKey], [id]);
            await _redis.GetSubscriber().PublishAsync(QueuedChannel, id);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            throw new IOException("The Redis document queue failed: " + e.Message, e);
        }
    }

    public async Task<IDocumentLease> TakeAsync(CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                var taken = await Database.ScriptEvaluateAsync(TakeScript, Keys, [(long)_lease.TotalMilliseconds, Token]);
                if (!taken.IsNull)
                {
                    return new Lease(this, taken.ToString());
                }
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException)
            {
                _log.LogWarning(e, "Could not take a document job from Redis; retrying");
            }

            await _queued.WaitAsync(Poll, cancellation);
        }
    }

    public void Dispose() => _queued.Dispose();

    private void Wake()
    {
        // One pending wake-up is enough: the woken worker takes every due job before it waits again.
        if (_queued.CurrentCount == 0)
        {
            _queued.Release();
        }
    }

    private async Task<bool> SettleAsync(string id, long leaseMilliseconds) =>
        (long)await Database.ScriptEvaluateAsync(SettleScript, Keys, [id, Token, leaseMilliseconds]) == 1;

    /// <summary>Renews itself every third of the lease; fires <see cref="Lost"/> when Redis says the claim is gone or none could be renewed for a whole lease.</summary>
    private sealed class Lease : IDocumentLease
    {
        private readonly RedisDocumentQueue _queue;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _ended = new();
        private readonly Task _renewing;
        private bool _settled;

        public Lease(RedisDocumentQueue queue, string id)
        {
            _queue = queue;
            Id = id;
            _renewing = RenewAsync();
        }

        public string Id { get; }

        public CancellationToken Lost => _lost.Token;

        public async Task FinishAsync(CancellationToken cancellation)
        {
            await EndRenewingAsync();
            _settled = true;
            try
            {
                await _queue.SettleAsync(Id, -1);
                await _queue._redis.GetSubscriber().PublishAsync(FinishedChannel, Id);
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException)
            {
                // The job stays queued; the replica that takes it when the lease lapses finds it finished in the store.
                _queue._log.LogWarning(e, "Document {DocumentId} could not be taken off the queue", Id);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await EndRenewingAsync();
            if (!_settled && !_lost.IsCancellationRequested)
            {
                try
                {
                    await _queue.SettleAsync(Id, 0);
                    await _queue._redis.GetSubscriber().PublishAsync(QueuedChannel, Id);
                }
                catch (Exception e) when (e is RedisException or RedisTimeoutException)
                {
                    _queue._log.LogWarning(e, "Document {DocumentId} could not be handed back; another replica takes it when its lease lapses", Id);
                }
            }

            _lost.Dispose();
            _ended.Dispose();
        }

        private async Task EndRenewingAsync()
        {
            await _ended.CancelAsync();
            await _renewing;
        }

        private async Task RenewAsync()
        {
            var renewed = DateTimeOffset.UtcNow;
            try
            {
                while (true)
                {
                    await Task.Delay(_queue.Poll, _ended.Token);
                    try
                    {
                        if (!await _queue.SettleAsync(Id, (long)_queue._lease.TotalMilliseconds))
                        {
                            break;
                        }

                        renewed = DateTimeOffset.UtcNow;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Whatever keeps the claim from being renewed (Redis gone, the connection closed) ends it.
                        _queue._log.LogWarning(e, "Could not renew the lease of document {DocumentId}", Id);
                        if (DateTimeOffset.UtcNow - renewed >= _queue._lease)
                        {
                            break;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (_ended.IsCancellationRequested)
            {
                return;
            }

            _queue._log.LogWarning("Document {DocumentId}: this replica's claim lapsed; it stops, and another replica takes the job", Id);
            await _lost.CancelAsync();
        }
    }
}
