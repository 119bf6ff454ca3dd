namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>
/// Waits for a state the process exposes only when asked (a metric, a health answer): asks again until it
/// holds, failing after a generous bound.
/// </summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
