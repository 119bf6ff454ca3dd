using Seq2Seq.Inference.Bundles;
using Xunit.Abstractions;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// Greedy and beam-4 outputs equal the golden files written from the PyTorch reference: marian.py for the
/// float graphs, quantized_reference.py (the same model computing what the int8 graphs compute) for the
/// default bundle's *_quantized.onnx files.
/// </summary>
[Collection(ModelCollection.Name)]
public class GoldenFileTests(LoadedModels models, ITestOutputHelper output)
{
    private const string Quantized = "quantized/";

    /// <summary>
    /// Such a step can also reorder two beam candidates that were that close and send the int8 search down
    /// another path (1 of the 50 cases at the last regeneration): at most one case in this many may.
    /// </summary>
    private const int MaxDivergedBeamsPer = 25;

    public static TheoryData<string, string> Files => new()
    {
        { RepoPaths.DefaultBundle, "greedy.json" },
        { RepoPaths.DefaultBundle, "beam4.json" },
        { RepoPaths.DefaultBundle, Quantized + "greedy.json" },
        { RepoPaths.DefaultBundle, Quantized + "beam4.json" },
        { RepoPaths.TinyBundle, "greedy.json" },
        { RepoPaths.TinyBundle, "beam4.json" },
        { RepoPaths.TinyBundle, "greedy_processors.json" },
        { RepoPaths.TinyBundle, "beam4_processors.json" },
    };

    /// <summary>
    /// The default bundle's int8 graphs too: their activation scales are static, so a row is quantized alike in
    /// any batch (dynamic int8 takes one scale over the whole batch's tensor; docs/quantization.md).
    /// </summary>
    public static TheoryData<string, string> BatchInvariantFiles => new()
    {
        { RepoPaths.DefaultBundle, "greedy.json" },
        { RepoPaths.DefaultBundle, "beam4.json" },
        { RepoPaths.DefaultBundle, Quantized + "greedy.json" },
        { RepoPaths.DefaultBundle, Quantized + "beam4.json" },
        { RepoPaths.TinyBundle, "greedy.json" },
        { RepoPaths.TinyBundle, "beam4.json" },
        { RepoPaths.TinyBundle, "greedy_processors.json" },
        { RepoPaths.TinyBundle, "beam4_processors.json" },
        { RepoPaths.RecurrentBundle, "greedy.json" },
        { RepoPaths.RecurrentBundle, "beam4.json" },
        { RepoPaths.TinyRecurrentBundle, "greedy.json" },
        { RepoPaths.TinyRecurrentBundle, "beam4.json" },
        { RepoPaths.TinyRecurrentBundle, "greedy_processors.json" },
        { RepoPaths.TinyRecurrentBundle, "beam4_processors.json" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_case_alone_reproduces_the_reference(string bundle, string file)
    {
        var model = Model(bundle, file);
        var golden = GoldenFile.Read(bundle, file);
        var settings = model.Settings(golden.Options);

        var diverged = golden.Cases.Count(c => !ShouldMatch(model, settings, model.Generate([new GenerationRequest(c.InputIds, settings)])[0], c));

        diverged.Should().BeLessThanOrEqualTo(golden.Cases.Count / MaxDivergedBeamsPer, "int8 beam searches may only rarely take another path");
    }

    [Theory]
    [MemberData(nameof(BatchInvariantFiles))]
    public void All_cases_in_one_batch_reproduce_the_reference(string bundle, string file)
    {
        var model = Model(bundle, file);
        var golden = GoldenFile.Read(bundle, file);
        var settings = model.Settings(golden.Options);

        var results = model.Generate([.. golden.Cases.Select(c => new GenerationRequest(c.InputIds, settings))]);

        for (var i = 0; i < results.Length; i++)
        {
            ShouldMatch(model, settings, results[i], golden.Cases[i]).Should().BeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_tokenizer_gives_the_reference_ids_and_text(string bundle, string file)
    {
        var model = Model(bundle, file);
        foreach (var @case in GoldenFile.Read(bundle, file).Cases)
        {
            model.EncodeSource(@case.Source).Should().Equal(@case.InputIds, @case.Source);
            if (@case.Text is not null)
            {
                model.Tokenizer.Decode(@case.OutputIds).Should().Be(@case.Text);
            }
        }
    }

    private TranslationModel Model(string bundle, string file) =>
        models[bundle, file.StartsWith(Quantized, StringComparison.Ordinal) ? ModelVariant.Quantized : ModelVariant.Fp32];

    /// <summary>
    /// Equal ids; or, for greedy search, a flip at a decision whose margin is below float-rounding size,
    /// which is reported. Beam scores within 1e-4 (int8: 1e-2). Returns false for an int8 beam search that
    /// took another path (reported).
    /// </summary>
    private bool ShouldMatch(TranslationModel model, GenerationSettings settings, GenerationResult result, GoldenCase @case)
    {
        var best = result.Sequences[0];
        if (!best.TokenIds.SequenceEqual(@case.OutputIds) && settings.NumBeams == 1)
        {
            var margin = NearTie.Margin(model.Runner, settings, @case.InputIds, @case.OutputIds, best.TokenIds);
            output.WriteLine($"\"{@case.Source}\": reference [{string.Join(",", @case.OutputIds)}], engine [{string.Join(",", best.TokenIds)}], margin {margin:E2}");
            margin.Should().BeLessThan(NearTie.Tolerance, "source \"{0}\" differs from the reference", @case.Source);
            return true;
        }

        if (!best.TokenIds.SequenceEqual(@case.OutputIds) && model.Variant == ModelVariant.Quantized && settings.NumBeams > 1)
        {
            output.WriteLine($"\"{@case.Source}\": reference [{string.Join(",", @case.OutputIds)}] {@case.Score:F6}, engine [{string.Join(",", best.TokenIds)}] {best.Score:F6}");
            return false;
        }

        best.TokenIds.Should().Equal(@case.OutputIds, "source \"{0}\"", @case.Source);
        if (@case.FinishReason is not null)
        {
            best.FinishReason.ToString().Should().BeEquivalentTo(@case.FinishReason);
        }

        if (@case.Score is { } score)
        {
            var tolerance = model.Variant == ModelVariant.Quantized ? NearTie.QuantizedTolerance : 1e-4;
            best.Score.Should().BeApproximately(score, tolerance, "source \"{0}\"", @case.Source);
        }

        return true;
    }
}
