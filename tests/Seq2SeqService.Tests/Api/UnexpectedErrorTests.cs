using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>A bug (here: a tokenizer that throws) becomes a bare 500 that is logged and counted where it happened.</summary>
public sealed class UnexpectedErrorTests
{
    [Fact]
    public async Task An_unhandled_exception_is_a_500_logged_with_its_stack_trace_and_request_id_and_counted_under_its_route()
    {
        var logs = Directory.CreateTempSubdirectory("unexpected-error-logs-");
        try
        {
            using var factory = new ServiceFactory(
                new Dictionary<string, string?> { ["Service:Logging:FilePath"] = Path.Combine(logs.FullName, "service.log") },
                services =>
                {
                    services.RemoveAll<IModelCatalog>();
                    services.AddSingleton<IModelCatalog>(new ScriptedCatalog(new FaultyModel(new ScriptedModel(), tokenizerFailsOn: "boom")));
                });
            var client = factory.CreateClient();

            var response = await client.PostAsJsonAsync("/tokenize", new { text = "boom" });

            response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            problem.GetProperty("detail").GetString().Should().NotContain("corrupt", "internals stay in the log");
            var requestId = problem.GetProperty("traceId").GetString()!;
            (await client.GetStringAsync("/metrics")).Should().Contain("seq2seq_requests_total{api=\"native\",route=\"/tokenize\",status=\"500\"} 1\n");

            // The file sink writes asynchronously: wait for the event, then read it.
            await Wait.UntilAsync(() => LoggedLines(logs).Any(l => l.Contains("Unhandled exception")), "the error is logged");
            var logged = LoggedLines(logs).Single(l => l.Contains("Unhandled exception"));
            logged.Should().Contain(requestId).And.Contain("/tokenize")
                .And.Contain("InvalidOperationException").And.Contain(nameof(FaultyModel) + ".Tokenize");
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    private static List<string> LoggedLines(DirectoryInfo folder) =>
        [.. folder.GetFiles().SelectMany(f => ReadShared(f.FullName))];

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }
}
