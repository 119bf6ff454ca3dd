using System.Diagnostics;
using System.Text;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>A generated corpus of bad bodies against the real process: nothing may produce a 5xx.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261125;
    private const int Mutations = 700;

    private sealed record Answer(FuzzCase Case, int Status, string? MediaType, TimeSpan Elapsed);

    [Fact]
    public async Task No_body_in_the_corpus_gets_a_5xx_and_every_error_is_problem_json()
    {
        var figures = new Figures(output, "fuzz");
        var corpus = BadBodies.Generate(Seed, Mutations);
        corpus.Count.Should().BeGreaterThanOrEqualTo(1000);
        // Whatever passes validation is translated: short outputs keep the run about the input paths.
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Service:Limits:MaxNewTokens"] = "16",
        });
        using var concurrency = new SemaphoreSlim(8);
        var clock = Stopwatch.StartNew();

        var answers = await Task.WhenAll(corpus.Select(async fuzz =>
        {
            await concurrency.WaitAsync();
            try
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(fuzz.Body);
                if (fuzz.ContentType is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
                }

                try
                {
                    using var response = await service.Http.PostAsync(fuzz.Path, content);
                    await response.Content.ReadAsByteArrayAsync();
                    return new Answer(fuzz, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                        Stopwatch.GetElapsedTime(started));
                }
                catch (HttpRequestException e)
                {
                    return new Answer(fuzz, 0, e.HttpRequestError.ToString(), Stopwatch.GetElapsedTime(started));
                }
            }
            finally
            {
                concurrency.Release();
            }
        }));

        figures.Add("corpus", $"{corpus.Count} bodies (seed {Seed}) in {clock.Elapsed.TotalSeconds:0.0} s");
        figures.Add("statuses", $"{string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))}");
        var slowest = answers.MaxBy(a => a.Elapsed)!;
        figures.Add("slowest", $"{slowest.Elapsed.TotalSeconds:0.00} s ({slowest.Status} {slowest.Case.Kind} {slowest.Case.Path}, {slowest.Case.Body.Length} bytes)");
        figures.Add("peak RSS", $"{service.Memory().PeakRss:0} MiB");
        var serverErrors = answers.Where(a => a.Status >= 500).Select(a => $"{a.Status} {a.Case.Kind} {a.Case.Path}: {Preview(a.Case.Body)}").ToList();
        serverErrors.Should().BeEmpty();
        answers.Where(a => a.Status == 0).Select(a => $"{a.MediaType} {a.Case.Kind} {a.Case.Path} {a.Case.Body.Length} bytes")
            .Should().BeEmpty("every request is answered");
        answers.Where(a => a.Status >= 400).Should().OnlyContain(a => a.MediaType == "application/problem+json");
        (await service.MetricAsync("seq2seq_queue_admitted")).Should().Be(0);
        service.Output.Should().NotContain("Unhandled exception");
    }

    [Fact]
    public async Task No_compatible_api_field_of_a_wrong_type_gets_a_5xx_and_every_error_is_in_the_apis_shape()
    {
        var figures = new Figures(output, "fuzz, compatible APIs");
        var corpus = CompatibleBadBodies.Generate();
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Service:Limits:MaxNewTokens"] = "16",
        });

        var answers = new List<(FuzzCase Case, string ErrorField, int Status, string Body)>();
        foreach (var (fuzz, errorField) in corpus)
        {
            using var content = new ByteArrayContent(fuzz.Body);
            content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            using var response = await service.Http.PostAsync(fuzz.Path, content);
            answers.Add((fuzz, errorField, (int)response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        figures.Add("corpus", $"{corpus.Count} bodies");
        figures.Add("statuses", $"{string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"))}");
        answers.Where(a => a.Status >= 500).Select(a => $"{a.Status} {a.Case.Path} {Encoding.UTF8.GetString(a.Case.Body)}")
            .Should().BeEmpty();
        // A body on the shared POST /translate without a usable q is the native API's, which answers problem+json.
        answers.Where(a => a.Status >= 400)
            .Where(a => !HasString(a.Body, a.ErrorField) && !(a.Case.Path == "/translate" && HasString(a.Body, "detail")))
            .Select(a => $"{a.Status} {a.Case.Path} {Encoding.UTF8.GetString(a.Case.Body)}: {a.Body}")
            .Should().BeEmpty();
        service.Output.Should().NotContain("Unhandled exception");
    }

    private static bool HasString(string json, string property)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                   document.RootElement.TryGetProperty(property, out var value) &&
                   value.ValueKind == System.Text.Json.JsonValueKind.String;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Preview(byte[] body) =>
        Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, 200)));
}
