namespace Seq2Seq.Inference.Tests.Generation;

public class LogSoftmaxTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(8003)]
    public void Matches_a_double_precision_computation(int length)
    {
        var random = new Random(length);
        var x = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
        var max = x.Max();
        var logSum = Math.Log(x.Sum(v => Math.Exp(v - max))) + max;

        var y = (float[])x.Clone();
        LogSoftmax.InPlace(y);

        for (var i = 0; i < length; i++)
        {
            y[i].Should().BeApproximately((float)(x[i] - logSum), 2e-5f);
        }
    }

    [Fact]
    public void Forbidden_tokens_stay_negative_infinity_and_do_not_disturb_the_rest()
    {
        var x = Enumerable.Repeat(0f, 20).ToArray();
        x[3] = float.NegativeInfinity;
        x[17] = float.NegativeInfinity;

        LogSoftmax.InPlace(x);

        x[3].Should().Be(float.NegativeInfinity);
        x[17].Should().Be(float.NegativeInfinity);
        x[0].Should().BeApproximately((float)-Math.Log(18), 1e-6f);
    }

    [Fact]
    public void Arg_max_prefers_the_lowest_index_on_ties()
    {
        var x = new float[19];
        x[11] = 5f;
        x[16] = 5f;

        LogSoftmax.ArgMax(x).Should().Be(11);
    }

    /// <summary>
    /// Random rows with forbidden tokens, and values a few billionths below a max near 0, which log-softmax rounds
    /// to the max's log-probability.
    /// </summary>
    private static IEnumerable<float[]> RowsWithNearTies()
    {
        var random = new Random(26);
        foreach (var length in new[] { 1, 7, 37, 8003, 256_206 })
        {
            for (var r = 0; r < 6; r++)
            {
                var x = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * -15)).ToArray();
                var top = random.Next(length);
                x[top] = 1e-3f;
                for (var n = 0; n < Math.Min(length - 1, 12); n++)
                {
                    var at = random.Next(length);
                    if (at != top)
                    {
                        x[at] = random.Next(4) == 0 ? float.NegativeInfinity : 1e-3f - random.Next(1, 200) * 1e-9f;
                    }
                }

                yield return x;
            }
        }

        yield return [float.NegativeInfinity, 0f, float.NegativeInfinity];
    }

    [Fact]
    public void The_shift_gives_in_place_log_softmax_bit_for_bit()
    {
        foreach (var x in RowsWithNearTies())
        {
            var expected = (float[])x.Clone();
            LogSoftmax.InPlace(expected);

            var (max, logSum) = LogSoftmax.Shift(x);

            x.Select(v => (v - max) - logSum).Should().Equal(expected);
        }
    }

    [Fact]
    public void Arg_max_of_log_softmax_equals_in_place_then_arg_max_without_writing_the_row()
    {
        var rows = RowsWithNearTies().ToList();
        var roundedTogether = 0;
        foreach (var x in rows)
        {
            var normalised = (float[])x.Clone();
            LogSoftmax.InPlace(normalised);
            var expected = LogSoftmax.ArgMax(normalised);
            var before = (float[])x.Clone();

            LogSoftmax.ArgMaxOfLogSoftmax(x, out var logProbability).Should().Be(expected);

            logProbability.Should().Be(normalised[expected]);
            x.Should().Equal(before);
            roundedTogether += expected != LogSoftmax.ArgMax(x) ? 1 : 0;
        }

        roundedTogether.Should().BePositive("some rows must have distinct logits that log-softmax rounds to the same maximum");
    }

    [Fact]
    public void A_row_without_a_finite_max_takes_in_place_log_softmax()
    {
        float[] x = [1f, float.PositiveInfinity, 2f];
        var expected = (float[])x.Clone();
        LogSoftmax.InPlace(expected);

        LogSoftmax.ArgMaxOfLogSoftmax(x, out _).Should().Be(LogSoftmax.ArgMax(expected));
        x.Should().Equal(expected);
    }
}
