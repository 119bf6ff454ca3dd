using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>What an operator can close or put behind a key in production (Service:Server).</summary>
public sealed class OperatorSettingsTests
{
    private const string Key = "operator-key-0123456789";

    [Fact]
    public async Task Swagger_and_metrics_can_be_turned_off()
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?>
        {
            ["Service:Server:Swagger"] = "false",
            ["Service:Server:Metrics"] = "false",
        });
        var client = factory.CreateClient();

        (await client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_an_operator_key_swagger_and_metrics_need_it_and_nothing_else_does()
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?> { ["Service:Server:OperatorKey"] = Key });
        var client = factory.CreateClient();

        foreach (var path in new[] { "/metrics", "/swagger/v1/swagger.json", "/Swagger/index.html" })
        {
            var refused = await client.GetAsync(path);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            refused.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
            refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");

            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
            (await client.SendAsync(wrong)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);

            using var right = new HttpRequestMessage(HttpMethod.Get, path);
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            (await client.SendAsync(right)).StatusCode.Should().Be(HttpStatusCode.OK, path);
        }

        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Swagger_lists_metrics_in_the_native_document_exactly_when_it_is_served(string metrics, bool listed)
    {
        using var factory = ScriptedService.Create(new Dictionary<string, string?> { ["Service:Server:Metrics"] = metrics });
        var client = factory.CreateClient();

        foreach (var document in new[] { "v1", "libretranslate", "deepl" })
        {
            var paths = JsonDocument.Parse(await client.GetStringAsync($"/swagger/{document}/swagger.json"))
                .RootElement.GetProperty("paths");
            paths.TryGetProperty("/metrics", out _).Should().Be(listed && document == "v1", document);
        }

        (await client.GetAsync("/metrics")).StatusCode.Should().Be(listed ? HttpStatusCode.OK : HttpStatusCode.NotFound);
    }
}
