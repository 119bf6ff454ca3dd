using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The per-request ceiling on estimated work (Service:Limits:MaxRequestWork).</summary>
public sealed class RequestWorkLimitTests
{
    [Fact]
    public async Task A_request_over_the_work_ceiling_gets_413_naming_its_work_and_the_limit()
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?> { ["Service:Limits:MaxRequestWork"] = "100" });
        var client = factory.CreateClient();

        // Each "x" is 2 source tokens and may generate the scripted model's default 32: 34 token steps.
        (await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x" } })).StatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x", "x" } });

        refused.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var detail = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        detail.Should().Contain("first 3 of 3 text(s) is already 102 token steps").And.Contain("at most 100 per request");
        (await client.PostAsJsonAsync("/translate", new { texts = new[] { "x", "x", "x" }, options = new { max_new_tokens = 8 } }))
            .StatusCode.Should().Be(HttpStatusCode.OK, "fewer new tokens make it cheap enough");
    }
}
