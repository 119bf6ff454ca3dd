namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Options, cancellation and limits on the real ONNX runner (tiny bundle: fast, separate decoders).</summary>
[Collection(ModelCollection.Name)]
public class ModelGenerationTests(LoadedModels models)
{
    private TranslationModel Tiny => models[RepoPaths.TinyBundle];

    private int[][] Sources => [.. GoldenFile.Read(RepoPaths.TinyBundle, "greedy.json").Cases.Select(c => c.InputIds)];

    [Fact]
    public void Max_new_tokens_cuts_the_output_with_finish_reason_length()
    {
        var settings = Tiny.Settings(new GenerationOptions { NumBeams = 1, MaxNewTokens = 2, MinLength = 3 });

        var result = Tiny.Generate([new GenerationRequest(Sources[0], settings)])[0];

        result.Sequences[0].TokenIds.Should().HaveCount(2);
        result.Sequences[0].FinishReason.Should().Be(FinishReason.Length);
        result.OutputTokens.Should().Be(2);
        result.InputTokens.Should().Be(Sources[0].Length);
    }

    [Fact]
    public void Beam_search_returns_the_requested_number_of_sequences_best_first()
    {
        var settings = Tiny.Settings(new GenerationOptions { NumBeams = 4, NumReturnSequences = 3, MaxNewTokens = 20 });

        var result = Tiny.Generate([new GenerationRequest(Sources[1], settings)])[0];

        result.Sequences.Should().HaveCount(3);
        result.Sequences.Select(s => s.Score).Should().BeInDescendingOrder();
        result.Sequences.Select(s => string.Join(",", s.TokenIds)).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Seeded_sampling_reproduces_and_differs_from_another_seed()
    {
        GenerationResult Sample(long seed) => Tiny.Generate([new GenerationRequest(Sources[2],
            Tiny.Settings(new GenerationOptions { NumBeams = 1, DoSample = true, Seed = seed, Temperature = 1.5f, TopK = 0, MaxNewTokens = 20 }))])[0];

        var first = Sample(1);
        Sample(1).Sequences[0].TokenIds.Should().Equal(first.Sequences[0].TokenIds);
        Enumerable.Range(2, 5).Select(s => Sample(s).Sequences[0].TokenIds).Should().Contain(ids => !ids.SequenceEqual(first.Sequences[0].TokenIds));
    }

    [Fact]
    public void A_cancelled_request_leaves_the_batch_and_the_others_are_unchanged()
    {
        var settings = Tiny.Settings(new GenerationOptions { NumBeams = 2, MaxNewTokens = 12, MinLength = 13 });
        using var cancel = new CancellationTokenSource();
        GenerationRequest[] requests =
        [
            new(Sources[0], settings),
            new(Sources[1], settings, cancel.Token),
            new(Sources[2], settings),
        ];
        var alone = requests.Select(r => Tiny.Generate([new GenerationRequest(r.SourceIds, settings)])[0]).ToList();

        using var cohort = Tiny.Start(requests);
        cohort.Step();
        cohort.Step();
        cohort.ActiveRows.Should().Be(6);
        cancel.Cancel();
        cohort.Step().Should().Equal(1);
        cohort.ActiveRows.Should().Be(4);
        while (!cohort.IsCompleted)
        {
            cohort.Step();
        }

        cohort.Result(1)!.Cancelled.Should().BeTrue();
        foreach (var i in new[] { 0, 2 })
        {
            cohort.Result(i)!.Sequences[0].TokenIds.Should().Equal(alone[i].Sequences[0].TokenIds);
        }
    }

    [Fact]
    public void A_source_longer_than_the_positions_is_refused_not_truncated()
    {
        var tooLong = Enumerable.Repeat(5, Tiny.MaxSourceTokens + 1).ToArray();

        var act = () => Tiny.Generate([new GenerationRequest(tooLong, Tiny.DefaultSettings)]);

        act.Should().Throw<SourceTooLongException>().Which.Limit.Should().Be(Tiny.MaxSourceTokens);
    }

    [Fact]
    public void Translate_gives_the_reference_text_with_the_default_settings()
    {
        var model = models[RepoPaths.DefaultBundle];
        var golden = GoldenFile.Read(RepoPaths.DefaultBundle, "beam4.json");
        var cases = golden.Cases.Take(5).ToList();

        var texts = model.Translate([.. cases.Select(c => c.Source)], new GenerationOptions { MaxNewTokens = golden.Options.MaxNewTokens });

        model.DefaultSettings.NumBeams.Should().Be(4);
        texts.Should().Equal(cases.Select(c => c.Text));
    }

    [Fact]
    public void Different_settings_share_one_batch()
    {
        var greedy = Tiny.Settings(new GenerationOptions { NumBeams = 1, MaxNewTokens = 20 });
        var beam = Tiny.Settings(new GenerationOptions { NumBeams = 4, MaxNewTokens = 20 });
        GenerationRequest[] requests = [new(Sources[0], greedy), new(Sources[0], beam), new(Sources[3], greedy)];

        var together = Tiny.Generate(requests);

        for (var i = 0; i < requests.Length; i++)
        {
            together[i].Sequences[0].TokenIds.Should().Equal(Tiny.Generate([requests[i]])[0].Sequences[0].TokenIds);
        }
    }
}
