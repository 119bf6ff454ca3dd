namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// The engine's attention rows for the returned hypothesis equal the PyTorch reference's (rnn_export.py
/// golden files), alone and in one batch, and every row sums to 1 over its own source.
/// </summary>
[Collection(ModelCollection.Name)]
public class AttentionGoldenTests(LoadedModels models)
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string, string> Files => new()
    {
        { RepoPaths.RecurrentBundle, "greedy.json" },
        { RepoPaths.RecurrentBundle, "beam4.json" },
        { RepoPaths.TinyRecurrentBundle, "greedy.json" },
        { RepoPaths.TinyRecurrentBundle, "beam4.json" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Attention_equals_the_reference_alone_and_batched(string bundle, string file)
    {
        var model = models[bundle];
        var golden = GoldenFile.Read(bundle, file);
        var settings = model.Settings(golden.Options);
        var requests = golden.Cases.Select(c => new GenerationRequest(c.InputIds, settings) { ReturnAttention = true }).ToList();

        var batched = model.Generate(requests);

        var compared = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var @case = golden.Cases[i];
            foreach (var result in new[] { model.Generate([requests[i]])[0], batched[i] })
            {
                var best = result.Sequences[0];
                best.Attention.Should().HaveCount(best.TokenIds.Length);
                best.Attention.Should().OnlyContain(row => row.Length == @case.InputIds.Length && Math.Abs(row.Sum() - 1) < 1e-5);
                if (!best.TokenIds.SequenceEqual(@case.OutputIds))
                {
                    // A near-tie flip (GoldenFileTests bounds its margin) changes the rows after it.
                    continue;
                }

                for (var t = 0; t < best.Attention!.Length; t++)
                {
                    for (var j = 0; j < @case.InputIds.Length; j++)
                    {
                        best.Attention[t][j].Should().BeApproximately(@case.Attention![t][j], Tolerance, "\"{0}\" token {1}", @case.Source, t);
                    }
                }

                compared++;
            }
        }

        compared.Should().BeGreaterThan(requests.Count * 3 / 2);
    }

    /// <summary>
    /// Rows that join a running batch (source axis widened to the longest source, then trimmed as rows
    /// leave) get the attention they get alone, over their own source only: the default Transformer's
    /// cross_attentions and the GRU's attention.
    /// </summary>
    [Theory]
    [InlineData(RepoPaths.DefaultBundle)]
    [InlineData(RepoPaths.RecurrentBundle)]
    public void Attention_of_joined_rows_equals_attention_alone(string bundle)
    {
        var model = models[bundle];
        model.Runner.ProvidesAttention.Should().BeTrue();
        var settings = model.Settings(new GenerationOptions { MaxNewTokens = 32 });
        string[] sentences =
        [
            "Hi.", "The weather is nice today, so we are going to the beach.", "Where is the station?",
            "I do not know what he wants from me, but I will ask him tomorrow morning.", "Thank you.", "She reads a book.",
        ];
        var requests = sentences.Select(s => new GenerationRequest(model.EncodeSource(s), settings) { ReturnAttention = true }).ToList();

        using var cohort = model.Start(requests.Take(2).ToList());
        var admitted = 2;
        while (!cohort.IsCompleted)
        {
            cohort.Step();
            if (admitted < requests.Count && cohort.CanAdmit)
            {
                cohort.Admit([requests[admitted++]]);
            }
        }

        admitted.Should().Be(requests.Count);
        var compared = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var joined = cohort.Result(i)!.Sequences[0];
            var alone = model.Generate([requests[i]])[0].Sequences[0];
            var width = requests[i].SourceIds.Length;
            joined.Attention.Should().HaveCount(joined.TokenIds.Length);
            joined.Attention.Should().OnlyContain(row => row.Length == width && Math.Abs(row.Sum() - 1) < 1e-4);
            if (!joined.TokenIds.SequenceEqual(alone.TokenIds))
            {
                continue;
            }

            for (var t = 0; t < joined.Attention!.Length; t++)
            {
                for (var j = 0; j < width; j++)
                {
                    joined.Attention[t][j].Should().BeApproximately(alone.Attention![t][j], Tolerance, "\"{0}\" token {1}", sentences[i], t);
                }
            }

            compared++;
        }

        compared.Should().BeGreaterThan(requests.Count / 2);
    }
}
