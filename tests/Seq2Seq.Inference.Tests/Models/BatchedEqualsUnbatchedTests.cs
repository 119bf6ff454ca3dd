using Xunit.Abstractions;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// Batching (padding, encoder mask, rows leaving the batch, beam reordering) changes no output: 200
/// sentences in batches of 50 give, token for token, what each gives alone. ONNX Runtime may round
/// differently for another batch shape; a flip is accepted only if its deciding margin is below 1e-4,
/// and every flip is reported.
/// </summary>
[Collection(ModelCollection.Name)]
public class BatchedEqualsUnbatchedTests(LoadedModels models, ITestOutputHelper output)
{
    private const int BatchSize = 50;

    private static readonly string[] Sentences = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "sentences.en.txt"));

    [Theory]
    [InlineData(RepoPaths.DefaultBundle, 1)]
    [InlineData(RepoPaths.DefaultBundle, 4)]
    [InlineData(RepoPaths.RecurrentBundle, 1)]
    [InlineData(RepoPaths.RecurrentBundle, 4)]
    public void Batched_generation_equals_each_sentence_alone(string bundle, int beams)
    {
        Sentences.Should().HaveCount(200);
        var model = models[bundle];
        var settings = model.Settings(new GenerationOptions { NumBeams = beams, MaxNewTokens = 64 });
        var requests = Sentences.Select(s => new GenerationRequest(model.EncodeSource(s), settings)).ToList();

        var batched = requests.Chunk(BatchSize).SelectMany(chunk => model.Generate(chunk)).ToList();

        var flips = new List<string>();
        for (var i = 0; i < requests.Count; i++)
        {
            var alone = model.Generate([requests[i]])[0].Sequences[0];
            var together = batched[i].Sequences[0];
            if (together.TokenIds.SequenceEqual(alone.TokenIds))
            {
                together.Score.Should().BeApproximately(alone.Score, NearTie.Tolerance);
                continue;
            }

            var margin = beams == 1
                ? NearTie.Margin(model.Runner, settings, requests[i].SourceIds.ToArray(), alone.TokenIds, together.TokenIds)
                : Math.Abs(alone.Score - together.Score);
            flips.Add($"\"{Sentences[i]}\": alone [{string.Join(",", alone.TokenIds)}] batched [{string.Join(",", together.TokenIds)}] margin {margin:E2}");
            margin.Should().BeLessThan(NearTie.Tolerance, flips[^1]);
        }

        output.WriteLine(flips.Count == 0 ? "No differences." : string.Join(Environment.NewLine, flips));
    }
}
