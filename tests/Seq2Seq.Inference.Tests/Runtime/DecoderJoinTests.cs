using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Runtime;

/// <summary>
/// <see cref="IDecoderState.Append"/> on the real bundles, step by step: a row over a long source joins a
/// state that has run longer over a short one, and each row gives the logits and attention it gives in a
/// state of its own, with no attention on the padding of the source axis; beam forks and rows leaving keep
/// that, and the source axis narrows again once the long source's row has left.
/// </summary>
[Collection(ModelCollection.Name)]
public class DecoderJoinTests(LoadedModels models)
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(RepoPaths.DefaultBundle)]
    [InlineData(RepoPaths.RecurrentBundle)]
    public void Appended_rows_step_as_they_do_alone(string bundle)
    {
        var model = models[bundle];
        var runner = model.Runner;
        runner.SupportsJoins.Should().BeTrue();
        var shortSource = model.EncodeSource("Hi.");
        var longSource = model.EncodeSource("The weather is nice today, so we are going to the beach.");
        var start = model.DefaultSettings.DecoderStartTokenId;
        using var shortAlone = runner.Encode([shortSource]);
        using var longAlone = runner.Encode([longSource]);
        using var joined = runner.Encode([shortSource]);
        using var joining = runner.Encode([longSource]);

        var shortToken = start;
        for (var step = 0; step < 3; step++)
        {
            joined.Step([shortToken]);
            shortToken = ArgMax(shortAlone.Step([shortToken]), runner.VocabSize, 0);
        }

        joining.Step([start]);
        var longToken = ArgMax(longAlone.Step([start]), runner.VocabSize, 0);
        joined.Append(joining);
        joining.Rows.Should().Be(0);
        joined.Rows.Should().Be(2);

        for (var step = 0; step < 3; step++)
        {
            var logits = joined.Step([shortToken, longToken]).ToArray();
            ShouldMatch(joined, logits, 0, shortAlone, shortAlone.Step([shortToken]), runner.VocabSize, shortSource.Length, longSource.Length);
            ShouldMatch(joined, logits, 1, longAlone, longAlone.Step([longToken]), runner.VocabSize, longSource.Length, longSource.Length);
            (shortToken, longToken) = (ArgMax(logits, runner.VocabSize, 0), ArgMax(logits, runner.VocabSize, 1));
        }

        // The long source's row leaves and the short one forks, as beam search does.
        joined.Reorder([0, 0]);
        ((IAttentionState)joined).SourceWidth.Should().Be(shortSource.Length, "no remaining row reads the long source's positions");
        var forked = joined.Step([shortToken, shortToken]).ToArray();
        var alone = shortAlone.Step([shortToken]);
        for (var row = 0; row < 2; row++)
        {
            ShouldMatch(joined, forked, row, shortAlone, alone, runner.VocabSize, shortSource.Length, shortSource.Length);
        }
    }

    [Theory]
    [InlineData(RepoPaths.DefaultBundle)]
    [InlineData(RepoPaths.RecurrentBundle)]
    public void Both_states_join_only_after_a_step_and_forget_a_step_once_rows_move(string bundle)
    {
        var model = models[bundle];
        var source = model.EncodeSource("Hi.");
        var start = model.DefaultSettings.DecoderStartTokenId;
        using var stepped = model.Runner.Encode([source]);
        using var fresh = model.Runner.Encode([source]);
        stepped.Step([start]);

        var join = () => stepped.Append(fresh);
        join.Should().Throw<InvalidOperationException>().WithMessage("*first step*");
        fresh.Rows.Should().Be(1, "a refused join leaves both states as they were");

        ((IAttentionState)stepped).Attention.Length.Should().Be(source.Length);
        stepped.Reorder([0, 0]);
        var attention = () => ((IAttentionState)stepped).Attention.Length;
        attention.Should().Throw<InvalidOperationException>("the last step's attention describes the rows before the reorder");
        stepped.Step([start, start]).Length.Should().Be(2 * model.Runner.VocabSize);
    }

    private static void ShouldMatch(IDecoderState joined, float[] joinedLogits, int row, IDecoderState alone, Span<float> aloneLogits,
        int vocab, int sourceLength, int width)
    {
        var logitDiff = 0f;
        for (var v = 0; v < vocab; v++)
        {
            logitDiff = Math.Max(logitDiff, Math.Abs(joinedLogits[row * vocab + v] - aloneLogits[v]));
        }

        logitDiff.Should().BeLessThan(Tolerance, "row {0}'s logits", row);
        var attention = (IAttentionState)joined;
        attention.SourceWidth.Should().Be(width);
        var joinedRow = attention.Attention.Slice(row * width, width).ToArray();
        var aloneRow = ((IAttentionState)alone).Attention.ToArray();
        aloneRow.Should().HaveCount(sourceLength);
        joinedRow.Take(sourceLength).Zip(aloneRow, (a, b) => Math.Abs(a - b)).Max().Should().BeLessThan(Tolerance, "row {0}'s attention", row);
        joinedRow.Skip(sourceLength).Where(w => w >= 1e-7f).Should().BeEmpty("row {0} attends to none of the padding", row);
    }

    private static int ArgMax(ReadOnlySpan<float> logits, int vocab, int row)
    {
        var span = logits.Slice(row * vocab, vocab);
        var best = 0;
        for (var v = 1; v < vocab; v++)
        {
            best = span[v] > span[best] ? v : best;
        }

        return best;
    }
}
