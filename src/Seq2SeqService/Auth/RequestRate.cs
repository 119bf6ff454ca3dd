using System.Collections.Concurrent;

namespace Seq2SeqService.Auth;

/// <summary>
/// Each key's request rate: a fixed one-minute window that starts with the key's first request after the last
/// window ended. Hand-written rather than ASP.NET Core's fixed-window limiter because that one reports the whole
/// window as its retry-after, so a client refused 40 s into the window was told to wait 60 s; here the answer is
/// the time left in the window.
/// </summary>
public sealed class RequestRate(TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // One entry per configured key at most: only callers with a key have a rate.
    private readonly ConcurrentDictionary<string, Counter> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts a request of <paramref name="caller"/>; false, with the wait, when its window is used up.</summary>
    public bool TryAcquire(ApiCaller caller, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (caller.RequestsPerMinute <= 0)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        var counter = _windows.GetOrAdd(caller.Name, _ => new Counter(now));
        lock (counter)
        {
            if (now - counter.Start >= Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }

            if (counter.Count < caller.RequestsPerMinute)
            {
                counter.Count++;
                return true;
            }

            retryAfter = counter.Start + Window - now;
            return false;
        }
    }

    private sealed class Counter(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Count { get; set; }
    }
}

/// <summary>Refuses, the endpoint's API's way and with <c>Retry-After</c>, a metered request over its key's rate.</summary>
public sealed class RequestRateMiddleware(RequestDelegate next, RequestRate rate, UsageMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        if (requirement is not { Metered: true } || ApiCaller.Of(context) is not { } caller ||
            rate.TryAcquire(caller, out var wait))
        {
            await next(context);
            return;
        }

        metrics.Refused("rate");
        context.Response.Headers.RetryAfter = RetryAfter.Seconds(wait);
        await requirement.Dialect.TooManyRequests().ExecuteAsync(context);
    }
}
