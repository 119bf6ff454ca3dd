using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Testing;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>OTLP export as a collector sees it, switched on by the standard OTEL_* settings.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Otlp_endpoint_setting_exports_request_and_batch_spans_and_the_metrics()
    {
        var received = new List<(string Path, string Body)>();
        var collector = WebApplication.CreateBuilder();
        collector.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = collector.Build();
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            lock (received)
            {
                // OTLP/protobuf carries names and string attributes as plain UTF-8 within the message.
                received.Add((context.Request.Path, Encoding.UTF8.GetString(body.ToArray())));
            }
        });
        await app.StartAsync();
        var endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var settings = Bundles.SettingsFor(Bundles.Tiny).ToDictionary(s => s.Key, s => s.Value!);
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        await using (var process = await ServiceProcess.StartAsync(settings))
        {
            (await process.Http.PostAsJsonAsync("/translate", new { texts = new[] { "a cat", "the dog" } })).EnsureSuccessStatusCode();
            process.SendSigterm();
            (await process.WaitForExitAsync(TimeSpan.FromSeconds(20))).Should().Be(0, process.Output);
        }

        // Stopping the service flushed both exporters: no waiting for their export intervals.
        lock (received)
        {
            var traces = string.Concat(received.Where(r => r.Path == "/v1/traces").Select(r => r.Body));
            traces.Should().Contain("generate batch").And.Contain("seq2seq.batch.size")
                .And.Contain("seq2seq.batch.sizes").And.Contain("seq2seq.model").And.Contain(Bundles.Tiny);
            var metrics = string.Concat(received.Where(r => r.Path == "/v1/metrics").Select(r => r.Body));
            metrics.Should().Contain("seq2seq.requests").And.Contain("seq2seq.batch.size").And.Contain("seq2seq.generated.tokens");
        }
    }
}
