namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>Waits for a condition the test cannot be notified of, failing after a generous bound.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Yield();
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
