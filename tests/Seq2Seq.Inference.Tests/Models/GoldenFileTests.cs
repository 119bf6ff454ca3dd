using Xunit.Abstractions;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Greedy and beam-4 outputs equal the golden files written from the PyTorch reference.</summary>
[Collection(ModelCollection.Name)]
public class GoldenFileTests(LoadedModels models, ITestOutputHelper output)
{
    public static TheoryData<string, string> Files => new()
    {
        { RepoPaths.DefaultBundle, "greedy.json" },
        { RepoPaths.DefaultBundle, "beam4.json" },
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
        var model = models[bundle];
        var golden = GoldenFile.Read(bundle, file);
        var settings = model.Settings(golden.Options);

        foreach (var @case in golden.Cases)
        {
            var result = model.Generate([new GenerationRequest(@case.InputIds, settings)])[0];
            ShouldMatch(model, settings, result, @case);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void All_cases_in_one_batch_reproduce_the_reference(string bundle, string file)
    {
        var model = models[bundle];
        var golden = GoldenFile.Read(bundle, file);
        var settings = model.Settings(golden.Options);

        var results = model.Generate([.. golden.Cases.Select(c => new GenerationRequest(c.InputIds, settings))]);

        for (var i = 0; i < results.Length; i++)
        {
            ShouldMatch(model, settings, results[i], golden.Cases[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_tokenizer_gives_the_reference_ids_and_text(string bundle, string file)
    {
        var model = models[bundle];
        foreach (var @case in GoldenFile.Read(bundle, file).Cases)
        {
            model.EncodeSource(@case.Source).Should().Equal(@case.InputIds, @case.Source);
            if (@case.Text is not null)
            {
                model.Tokenizer.Decode(@case.OutputIds).Should().Be(@case.Text);
            }
        }
    }

    /// <summary>
    /// Equal ids; or, for greedy search, a flip at a decision whose margin is below float-rounding size,
    /// which is reported. Beam scores within 1e-4.
    /// </summary>
    private void ShouldMatch(TranslationModel model, GenerationSettings settings, GenerationResult result, GoldenCase @case)
    {
        var best = result.Sequences[0];
        if (!best.TokenIds.SequenceEqual(@case.OutputIds) && settings.NumBeams == 1)
        {
            var margin = NearTie.Margin(model.Runner, settings, @case.InputIds, @case.OutputIds, best.TokenIds);
            output.WriteLine($"\"{@case.Source}\": reference [{string.Join(",", @case.OutputIds)}], engine [{string.Join(",", best.TokenIds)}], margin {margin:E2}");
            margin.Should().BeLessThan(NearTie.Tolerance, "source \"{0}\" differs from the reference", @case.Source);
            return;
        }

        best.TokenIds.Should().Equal(@case.OutputIds, "source \"{0}\"", @case.Source);
        if (@case.FinishReason is not null)
        {
            best.FinishReason.ToString().Should().BeEquivalentTo(@case.FinishReason);
        }

        if (@case.Score is { } score)
        {
            best.Score.Should().BeApproximately(score, 1e-4, "source \"{0}\"", @case.Source);
        }
    }
}
