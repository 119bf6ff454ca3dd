using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Queue;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>
/// Admission and cancellation, made deterministic by a gated batch gate: with the gate closed, a batch
/// holds its request and the queue's single slot is observable.
/// </summary>
public sealed class QueueTests
{
    private static readonly Dictionary<string, string?> OneSlot = new()
    {
        ["Service:Queue:Capacity"] = "1",
        ["Service:Queue:RetryAfterSeconds"] = "7",
        ["Service:Batching:MaxWaitMilliseconds"] = "0",
    };

    private static async Task<BatchGate> StartedPastWarmUpAsync(ServiceFactory factory, BatchGate gate)
    {
        _ = factory.Server;
        await gate.NextStartedAsync();
        gate.Release();
        return gate;
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_recovers()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(OneSlot, gate);
        await StartedPastWarmUpAsync(factory, gate);
        var client = factory.CreateClient();

        var first = client.PostAsJsonAsync("/translate", new { text = "first" });
        await gate.NextStartedAsync();
        var rejected = await client.PostAsJsonAsync("/translate", new { text = "second" });

        rejected.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        rejected.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        rejected.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await rejected.Content.ReadAsStringAsync()).Should().Contain("queue is full");

        gate.Release();
        (await first).StatusCode.Should().Be(HttpStatusCode.OK);

        var after = client.PostAsJsonAsync("/translate", new { text = "third" });
        ScriptedModel.TextOf((await gate.NextStartedAsync()).Sequences.Single()).Should().Be("third");
        gate.Release();
        (await after).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_cancelled_request_frees_its_slot_and_leaves_its_batch()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(OneSlot, gate);
        await StartedPastWarmUpAsync(factory, gate);
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<RequestQueue>();

        using var abandon = new CancellationTokenSource();
        var abandoned = client.PostAsJsonAsync("/translate", new { text = "abandoned" }, abandon.Token);
        var batch = await gate.NextStartedAsync();
        (await client.PostAsJsonAsync("/translate", new { text = "refused" })).StatusCode
            .Should().Be(HttpStatusCode.ServiceUnavailable);

        await abandon.CancelAsync();
        await FluentActions.Awaiting(() => abandoned).Should().ThrowAsync<OperationCanceledException>();
        await Wait.UntilAsync(() => queue.Admitted == 0, "the server has seen the cancellation");
        batch.Sequences.Single().Cancellation.IsCancellationRequested.Should().BeTrue();

        var next = client.PostAsJsonAsync("/translate", new { text = "accepted" });
        gate.Release();
        ScriptedModel.TextOf((await gate.NextStartedAsync()).Sequences.Single()).Should().Be("accepted");
        gate.Release();
        var response = await next;
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("translations")[0].GetProperty("text").GetString().Should().Be("<0>accepted");
    }

    [Fact]
    public async Task Requests_waiting_together_share_a_batch_and_keep_their_order()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Service:Batching:MaxWaitMilliseconds"] = "0",
        }, gate);
        await StartedPastWarmUpAsync(factory, gate);
        var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<RequestQueue>();

        var blocker = client.PostAsJsonAsync("/translate", new { text = "blocker" });
        await gate.NextStartedAsync();
        var waiting = Enumerable.Range(0, 5)
            .Select(i => client.PostAsJsonAsync("/translate", new { texts = new[] { $"a{i}", $"b{i} c{i}" } }))
            .ToList();
        await Wait.UntilAsync(() => queue.Waiting == 5, "all five requests are queued");

        gate.Release();
        var batch = await gate.NextStartedAsync();
        gate.Release();
        await blocker;

        batch.Sequences.Should().HaveCount(10);
        for (var i = 0; i < 5; i++)
        {
            var body = JsonDocument.Parse(await (await waiting[i]).Content.ReadAsStringAsync()).RootElement;
            var texts = body.GetProperty("translations").EnumerateArray().Select(t => t.GetProperty("text").GetString());
            texts.Should().Equal($"<0>a{i}", $"<0>b{i} c{i}");
        }
    }
}
