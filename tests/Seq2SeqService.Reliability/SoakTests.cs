using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>
/// Minutes of mixed traffic (translations, bad bodies, abandoned requests) at twice the scheduler's batch
/// width, sampling memory: nothing lost, no 5xx but 503, and a memory curve to read.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Workers = 64;

    [SoakFact]
    public async Task Mixed_traffic_for_minutes_loses_nothing_and_memory_stays_flat()
    {
        var figures = new Figures(output, "soak");
        var duration = TimeSpan.FromMinutes(SoakFactAttribute.Minutes!.Value);
        await using var service = await ServiceProcess.StartAsync();
        var badBodies = BadBodies.Generate(seed: 7, mutations: 500);
        var outcomes = new ConcurrentBag<string>();
        var samples = new ConcurrentQueue<(TimeSpan At, double Rss)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);

        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
            do
            {
                samples.Enqueue((clock.Elapsed, service.Memory().Rss));
            }
            while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested);
        });
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                outcomes.Add(await OneRequestAsync(service, random, badBodies));
            }
        }));
        await Task.WhenAll(workers);
        await sampler;
        samples.Enqueue((clock.Elapsed, service.Memory().Rss));

        var tally = outcomes.GroupBy(o => o).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}");
        var rss = samples.ToList();
        figures.Add("duration", $"{clock.Elapsed.TotalMinutes:0.0} min, {Workers} clients");
        figures.Add("outcomes", $"{string.Join(", ", tally)}");
        figures.Add("RSS (MiB) every 15 s and at the end", $"{string.Join(" ", rss.Select(s => s.Rss.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}");
        figures.Add("RSS first/last/max", $"{rss[0].Rss:0} / {rss[^1].Rss:0} / {rss.Max(s => s.Rss):0} MiB, peak {service.Memory().PeakRss:0} MiB");
        outcomes.Should().NotContain(o => o.StartsWith('5') && o != "503", "only overload refusals are 5xx");
        outcomes.Should().NotContain(o => o.StartsWith("error", StringComparison.Ordinal), "every request is answered");
        (await service.MetricAsync("seq2seq_queue_admitted")).Should().Be(0);
    }

    private static async Task<string> OneRequestAsync(ServiceProcess service, Random random, IReadOnlyList<FuzzCase> badBodies)
    {
        var kind = random.Next(10);
        if (kind < 2)
        {
            var bad = badBodies[random.Next(badBodies.Count)];
            using var content = new ByteArrayContent(bad.Body);
            content.Headers.TryAddWithoutValidation("Content-Type", bad.ContentType);
            using var response = await service.Http.PostAsync(bad.Path, content);
            return $"{(int)response.StatusCode}";
        }

        if (kind < 3)
        {
            using var leave = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(1, 200)));
            try
            {
                using var response = await service.Http.PostAsJsonAsync("/translate", Load.Body(random.Next(8), 3), leave.Token);
                return $"{(int)response.StatusCode}";
            }
            catch (OperationCanceledException)
            {
                return "abandoned";
            }
        }

        var outcome = await Load.PostAsync(service.Http, "/translate", Load.Body(random.Next(8), 1 + random.Next(3)));
        return outcome.ToString();
    }
}
