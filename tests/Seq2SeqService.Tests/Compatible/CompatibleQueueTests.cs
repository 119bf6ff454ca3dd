using System.Net;
using Seq2SeqService.Tests.Infrastructure;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>A full queue is a retryable 429 with Retry-After in both compatible APIs, never a 5xx.</summary>
public sealed class CompatibleQueueTests
{
    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_in_each_apis_shape()
    {
        var gate = new BatchGate();
        using var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Service:Queue:Capacity"] = "1",
            ["Service:Queue:RetryAfterSeconds"] = "7",
            ["Service:Batching:MaxWaitMilliseconds"] = "0",
        }, gate, new ScriptedModel("en-xx"));
        _ = factory.Server;
        await gate.NextStartedAsync();
        gate.Release();
        var client = factory.CreateClient();

        var holding = client.PostAndReadAsync("/translate", Json(new { text = "holding" }));
        await gate.NextStartedAsync();
        var (libreStatus, libreBody, libreResponse) = await client.PostAndReadAsync("/translate",
            Json(new { q = "Hi", source = "en", target = "xx" }));
        var (deeplStatus, deeplBody, deeplResponse) = await client.PostAndReadAsync("/v2/translate",
            Form(("text", "Hi"), ("target_lang", "XX")));
        gate.Release();

        (await holding).Status.Should().Be(HttpStatusCode.OK);
        libreStatus.Should().Be(HttpStatusCode.TooManyRequests);
        libreBody.GetProperty("error").GetString().Should().Contain("queue is full");
        libreResponse.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        deeplStatus.Should().Be(HttpStatusCode.TooManyRequests);
        deeplBody.GetProperty("message").GetString().Should().Contain("queue is full");
        deeplResponse.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
    }
}
