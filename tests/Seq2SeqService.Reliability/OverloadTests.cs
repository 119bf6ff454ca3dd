using System.Diagnostics;
using System.Net;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>Four times the queue's capacity at once, twice: every request answered, none lost, memory reported.</summary>
public sealed class OverloadTests(ITestOutputHelper output)
{
    private const int Capacity = 32;
    private const int Requests = 4 * Capacity;

    [Fact]
    public async Task Four_times_capacity_gets_200_or_503_with_retry_after_for_every_request()
    {
        var figures = new Figures(output, "overload-4x");
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Service:Queue:Capacity"] = $"{Capacity}",
        });
        figures.Add("RSS after warm-up", $"{service.Memory().Rss:0} MiB");

        for (var round = 1; round <= 2; round++)
        {
            var clock = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Requests)
                .Select(i => Load.PostAsync(service.Http, "/translate", Load.Body(i, 2))));
            var elapsed = clock.Elapsed;
            var (rss, peak) = service.Memory();
            var served = outcomes.Where(o => o.Status == HttpStatusCode.OK).Select(o => o.Elapsed.TotalMilliseconds).Order().ToList();

            figures.Add($"round {round}", $"{Requests} requests in {elapsed.TotalSeconds:0.0} s: {Load.Tally(outcomes)}; 200 latency p50 {Percentile(served, 0.5):0} ms, max {served.LastOrDefault():0} ms; RSS {rss:0} MiB, peak {peak:0} MiB");
            outcomes.Should().OnlyContain(o => o.Status == HttpStatusCode.OK || o.Status == HttpStatusCode.ServiceUnavailable,
                Load.Tally(outcomes));
            outcomes.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).Should().OnlyContain(o => o.RetryAfter != null);
            served.Should().NotBeEmpty("the service keeps serving while it refuses the excess");
            (await service.MetricAsync("seq2seq_queue_admitted")).Should().Be(0, "nothing is left behind");
            peak.Should().BeLessThan(4096, "a sanity bound only: a few hundred MiB is normal");
        }

        (await Load.PostAsync(service.Http, "/translate", Load.Body(0, 1))).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Cost_bombs_are_refused_by_estimated_work_and_leave_the_service_responsive()
    {
        var figures = new Figures(output, "cost-bomb");
        await using var service = await ServiceProcess.StartAsync();
        var longText = string.Join(" ", Enumerable.Repeat(string.Join(" ", Load.Sentences), 40))[..10_000];
        var bomb = new { texts = Enumerable.Repeat(longText, 64).ToArray(), options = new { num_beams = 8, max_new_tokens = 256 } };
        var clock = Stopwatch.StartNew();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Load.PostAsync(service.Http, "/translate", bomb)));
        var refusedIn = clock.Elapsed;
        var next = await Load.PostAsync(service.Http, "/translate", Load.Body(0, 1));

        figures.Add("16 requests of 64 x 10,000 characters, 8 beams", $"{Load.Tally(outcomes)} in {refusedIn.TotalSeconds:0.0} s; next request {(int?)next.Status} in {next.Elapsed.TotalMilliseconds:0} ms");
        outcomes.Should().OnlyContain(o => o.Status == HttpStatusCode.RequestEntityTooLarge, Load.Tally(outcomes));
        next.Status.Should().Be(HttpStatusCode.OK);
        (await service.MetricAsync("seq2seq_queue_admitted")).Should().Be(0);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
