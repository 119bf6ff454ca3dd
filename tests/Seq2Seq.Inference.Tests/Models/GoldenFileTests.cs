namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Greedy and beam-4 outputs equal the golden files written from the PyTorch reference.</summary>
[Collection(ModelCollection.Name)]
public class GoldenFileTests(LoadedModels models)
{
    public static TheoryData<string, string> Files => new()
    {
        { RepoPaths.DefaultBundle, "greedy.json" },
        { RepoPaths.DefaultBundle, "beam4.json" },
        { RepoPaths.TinyBundle, "greedy.json" },
        { RepoPaths.TinyBundle, "beam4.json" },
        { RepoPaths.TinyBundle, "greedy_processors.json" },
        { RepoPaths.TinyBundle, "beam4_processors.json" },
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
            ShouldMatch(result, @case);
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
            ShouldMatch(results[i], golden.Cases[i]);
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

    private static void ShouldMatch(GenerationResult result, GoldenCase @case)
    {
        var best = result.Sequences[0];
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
