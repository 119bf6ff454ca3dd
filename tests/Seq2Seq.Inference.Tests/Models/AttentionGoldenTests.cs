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

    [Fact]
    public void A_transformer_without_cross_attentions_refuses_the_request()
    {
        var model = models[RepoPaths.TinyBundle];
        model.Runner.ProvidesAttention.Should().BeFalse();

        var act = () => model.Generate([new GenerationRequest(model.EncodeSource("Hello."), model.DefaultSettings) { ReturnAttention = true }]);

        act.Should().Throw<ArgumentException>().WithMessage("*attention*");
    }
}
