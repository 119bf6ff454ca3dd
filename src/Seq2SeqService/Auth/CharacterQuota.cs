namespace Seq2SeqService.Auth;

/// <summary>
/// Characters each caller had translated this calendar month (UTC), checked against its quota. Charges are
/// taken before a translation runs and given back when it fails, so concurrent requests cannot overdraw.
/// Kept in memory: a restart starts every count from zero.
/// </summary>
public sealed class CharacterQuota(TimeProvider time)
{
    private readonly Dictionary<string, (DateOnly Month, long Used)> _used = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    /// <summary>Time left until the counts reset, at the start of the next UTC month.</summary>
    public TimeSpan UntilReset
    {
        get
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            return next - now;
        }
    }

    /// <returns>Whether the charge fits the quota (always, for a caller without one); when not, nothing is charged.</returns>
    public bool TryCharge(ApiCaller caller, long characters, out long used)
    {
        lock (_lock)
        {
            used = UsedLocked(caller.Name);
            if (caller.CharactersPerMonth > 0 && used + characters > caller.CharactersPerMonth)
            {
                return false;
            }

            used += characters;
            _used[caller.Name] = (ThisMonth(), used);
            return true;
        }
    }

    public void Refund(ApiCaller caller, long characters)
    {
        lock (_lock)
        {
            _used[caller.Name] = (ThisMonth(), Math.Max(0, UsedLocked(caller.Name) - characters));
        }
    }

    public long Used(ApiCaller caller)
    {
        lock (_lock)
        {
            return UsedLocked(caller.Name);
        }
    }

    private long UsedLocked(string name) =>
        _used.TryGetValue(name, out var entry) && entry.Month == ThisMonth() ? entry.Used : 0;

    private DateOnly ThisMonth()
    {
        var now = time.GetUtcNow();
        return new DateOnly(now.Year, now.Month, 1);
    }
}
