using System.Diagnostics;
using System.Net;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>SIGTERM while the service is busy: the order of the stop, seen from outside the process.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int DrainSeconds = 5;
    private const int Requests = 64;

    [Fact]
    public async Task Sigterm_under_load_answers_every_accepted_request_and_exits_0_within_the_drain()
    {
        var figures = new Figures(output, "sigterm-under-load");
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Service:Batching:DrainTimeoutSeconds"] = $"{DrainSeconds}",
        });
        // Two sentences with two beams each: about as much work as the drain can finish on a small machine, so
        // both endings (translated, and 503 at the drain deadline) are exercised.
        // One long request (40 sentences, 8 beams) keeps the drain busy while the probes below run, however fast
        // the machine finishes the small ones.
        var load = Enumerable.Range(0, Requests)
            .Select(i => Load.PostAsync(service.Http, "/translate", Load.Body(i, 2, new { num_beams = 2 })))
            .Append(Load.PostAsync(service.Http, "/translate", Load.Body(0, 40, new { num_beams = 8 })))
            .ToList();
        await Poll.UntilAsync(async () => await service.MetricAsync("seq2seq_queue_admitted") +
            load.Count(t => t.IsCompleted) >= load.Count, "every request is accepted");
        var draining = service.WhenLogged("Stopping: draining");
        var clock = Stopwatch.StartNew();

        service.SendSigterm();

        await draining.WaitAsync(TimeSpan.FromSeconds(DrainSeconds));
        var ready = await service.Http.GetAsync("/health/ready");
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).Should().Contain("stopping");
        var late = await Load.PostAsync(service.Http, "/translate", Load.Body(0, 1));
        late.Status.Should().Be(HttpStatusCode.ServiceUnavailable, "new work is refused while the listener is open");
        late.RetryAfter.Should().NotBeNullOrEmpty();
        var stoppingAfter = clock.Elapsed;

        var outcomes = await Task.WhenAll(load);
        var answeredAfter = clock.Elapsed;
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(DrainSeconds + 15));
        var exitedAfter = clock.Elapsed;

        figures.Add("outcomes", $"{Load.Tally(outcomes)}");
        figures.Add("readiness stopping and late request refused after", $"{stoppingAfter.TotalSeconds:0.00} s");
        figures.Add("last accepted request answered after", $"{answeredAfter.TotalSeconds:0.00} s");
        figures.Add("exit", $"code {exitCode} after {exitedAfter.TotalSeconds:0.00} s (drain {DrainSeconds} s)");
        outcomes.Should().OnlyContain(o => o.Status == HttpStatusCode.OK || o.Status == HttpStatusCode.ServiceUnavailable,
            Load.Tally(outcomes));
        exitCode.Should().Be(0, service.Output);
        exitedAfter.Should().BeLessThan(TimeSpan.FromSeconds(DrainSeconds + 5), service.Output);
    }
}
