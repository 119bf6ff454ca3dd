using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>Clients that give up: their work is dropped at once and the service serves the next request promptly.</summary>
public sealed class DisconnectTests(ITestOutputHelper output)
{
    private const int Requests = 64;

    [Fact]
    public async Task A_storm_of_abandoned_requests_frees_the_queue()
    {
        var figures = new Figures(output, "disconnect-storm");
        await using var service = await ServiceProcess.StartAsync();
        using var abandon = new CancellationTokenSource();
        // Heavy enough (four beams over four sentences) to still be queued or running when the clients leave.
        var abandoned = Enumerable.Range(0, Requests).Select(async i =>
        {
            try
            {
                using var response = await service.Http.PostAsJsonAsync("/translate",
                    Load.Body(i, 4, new { num_beams = 4, max_new_tokens = 64 }), abandon.Token);
                return response.StatusCode;
            }
            catch (OperationCanceledException)
            {
                return (HttpStatusCode?)null;
            }
        }).ToList();
        await Poll.UntilAsync(async () => await service.MetricAsync("seq2seq_queue_admitted") +
            abandoned.Count(t => t.IsCompleted) >= Requests, "every request is accepted");
        var admittedAtStorm = await service.MetricAsync("seq2seq_queue_admitted");
        var clock = Stopwatch.StartNew();

        await abandon.CancelAsync();
        await Task.WhenAll(abandoned);
        await Poll.UntilAsync(async () => await service.MetricAsync("seq2seq_queue_admitted") == 0 &&
                                          await service.MetricAsync("seq2seq_queue_depth") == 0, "the queue is empty");
        var freedAfter = clock.Elapsed;
        var next = await Load.PostAsync(service.Http, "/translate", Load.Body(0, 1));

        figures.Add("abandoned", $"{admittedAtStorm} accepted requests dropped by their clients");
        figures.Add("queue empty after", $"{freedAfter.TotalMilliseconds:0} ms");
        figures.Add("next request", $"{(int?)next.Status} in {next.Elapsed.TotalMilliseconds:0} ms");
        next.Status.Should().Be(HttpStatusCode.OK);
        freedAfter.Should().BeLessThan(TimeSpan.FromSeconds(30), "a sanity bound only: freeing is immediate");
    }
}
