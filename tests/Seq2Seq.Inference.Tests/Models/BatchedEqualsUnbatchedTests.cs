using Seq2Seq.Inference.Bundles;
using Xunit.Abstractions;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// Batching (padding, encoder mask, rows leaving the batch, beam reordering) changes no output: 200
/// sentences in batches of 50 give, token for token, what each gives alone. ONNX Runtime may round
/// differently for another batch shape; a flip is accepted only if its deciding margin is below 1e-4,
/// and every flip is reported. The default bundle's int8 graphs are held to the same rule: their activation
/// scales are static (quantize.py --activations), so a row is quantized alike whatever its batch; only a float
/// rounding difference of another batch shape that crosses a quantization step moves a score, by up to
/// <see cref="NearTie.QuantizedTolerance"/> per token.
/// </summary>
[Collection(ModelCollection.Name)]
public class BatchedEqualsUnbatchedTests(LoadedModels models, ITestOutputHelper output)
{
    private const int BatchSize = 50;

    private static readonly string[] Sentences = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "sentences.en.txt"));

    public static TheoryData<string, ModelVariant, int> BundlesAndBeams { get; } = BothSearches(RepoPaths.DefaultBundle, RepoPaths.RecurrentBundle,
        RepoPaths.TinyNllbBundle, RepoPaths.TinyMBartBundle, RepoPaths.TinyM2M100Bundle, RepoPaths.TinyMBartCc25Bundle, RepoPaths.TinyBartBundle, RepoPaths.TinyT5Bundle,
        RepoPaths.TinyT5V1Bundle);

    [Theory]
    [MemberData(nameof(BundlesAndBeams))]
    public void Batched_generation_equals_each_sentence_alone(string bundle, ModelVariant variant, int beams)
    {
        Sentences.Should().HaveCount(200);
        var model = models[bundle, variant];
        var settings = model.Settings(new GenerationOptions { NumBeams = beams, MaxNewTokens = 64 });
        var requests = Sentences.Select(s => new GenerationRequest(model.EncodeSource(s), settings)).ToList();

        var batched = requests.Chunk(BatchSize).SelectMany(chunk => model.Generate(chunk)).ToList();

        ShouldEqualAlone(model, settings, requests, batched, beams, ToleranceOf(variant));
    }

    /// <summary>
    /// Rows that join a running batch decode as they do alone: 20 sentences start, 6 more join after every
    /// step. The Transformer's joined rows have their cache left-padded to the longest past, masked through
    /// decoder_attention_mask; the GRU's are more rows of state, with the encoder's tensors padded to the
    /// longest source under encoder_attention_mask.
    /// </summary>
    [Theory]
    [MemberData(nameof(BundlesAndBeams))]
    public void Rows_joining_a_running_batch_decode_as_alone(string bundle, ModelVariant variant, int beams)
    {
        var model = models[bundle, variant];
        model.Runner.SupportsJoins.Should().BeTrue();
        var settings = model.Settings(new GenerationOptions { NumBeams = beams, MaxNewTokens = 64 });
        var requests = Sentences.Select(s => new GenerationRequest(model.EncodeSource(s), settings)).ToList();

        using var cohort = model.Start(requests.Take(20).ToList());
        var admitted = 20;
        while (!cohort.IsCompleted)
        {
            cohort.Step();
            if (admitted < requests.Count && cohort.CanAdmit)
            {
                var take = Math.Min(6, requests.Count - admitted);
                cohort.Admit(requests.Skip(admitted).Take(take).ToList());
                admitted += take;
            }
        }

        admitted.Should().Be(requests.Count);
        ShouldEqualAlone(model, settings, requests, [.. Enumerable.Range(0, requests.Count).Select(i => cohort.Result(i)!)], beams,
            ToleranceOf(variant));
    }

    private void ShouldEqualAlone(TranslationModel model, GenerationSettings settings, List<GenerationRequest> requests,
        List<GenerationResult> batched, int beams, double tolerance)
    {
        var flips = new List<string>();
        for (var i = 0; i < requests.Count; i++)
        {
            var alone = model.Generate([requests[i]])[0].Sequences[0];
            var together = batched[i].Sequences[0];
            if (together.TokenIds.SequenceEqual(alone.TokenIds))
            {
                // A greedy score sums every token's log-probability, each rounded its own way for another batch
                // shape (tiny-bart's 22-token outputs drift by 1.5e-4); a beam's is divided by its length.
                together.Score.Should().BeApproximately(alone.Score, tolerance * (beams == 1 ? alone.TokenIds.Length : 1));
                continue;
            }

            var margin = beams == 1
                ? NearTie.Margin(model.Runner, settings, requests[i].SourceIds.ToArray(), alone.TokenIds, together.TokenIds)
                : Math.Abs(alone.Score - together.Score);
            flips.Add($"\"{Sentences[i]}\": alone [{string.Join(",", alone.TokenIds)}] batched [{string.Join(",", together.TokenIds)}] margin {margin:E2}");
            margin.Should().BeLessThan(tolerance, flips[^1]);
        }

        output.WriteLine(flips.Count == 0 ? "No differences." : string.Join(Environment.NewLine, flips));
    }

    private static double ToleranceOf(ModelVariant variant) => variant == ModelVariant.Quantized ? NearTie.QuantizedTolerance : NearTie.Tolerance;

    private static TheoryData<string, ModelVariant, int> BothSearches(params string[] bundles)
    {
        var data = new TheoryData<string, ModelVariant, int>();
        foreach (var (bundle, variant) in bundles.Select(b => (b, ModelVariant.Fp32)).Append((RepoPaths.DefaultBundle, ModelVariant.Quantized)))
        {
            data.Add(bundle, variant, 1);
            data.Add(bundle, variant, 4);
        }

        return data;
    }
}
