using Seq2Seq.Inference.Sampling;

namespace Seq2Seq.Inference.Tests.Sampling;

public class TokenSamplerTests
{
    private const int Draws = 40_000;

    private static double[] Frequencies(TokenSampler sampler, double[] probabilities)
    {
        var logProbs = probabilities.Select(p => (float)Math.Log(p)).ToArray();
        var counts = new double[probabilities.Length];
        for (var i = 0; i < Draws; i++)
        {
            counts[sampler.Sample(logProbs)]++;
        }

        return counts.Select(c => c / Draws).ToArray();
    }

    // Tolerance: 4 standard deviations of a frequency near 0.5 over 40,000 draws is 0.01.
    private static void ShouldMatch(double[] actual, params double[] expected)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 0.01, $"token {i}");
        }
    }

    [Fact]
    public void Plain_sampling_follows_the_distribution() =>
        ShouldMatch(Frequencies(new TokenSampler(1f, 0, 1f, 1), [.5, .3, .2]), .5, .3, .2);

    [Fact]
    public void Temperature_sharpens_the_distribution() =>
        // p^(1/T) with T = 0.5: .25, .09, .04 → normalised by .38.
        ShouldMatch(Frequencies(new TokenSampler(.5f, 0, 1f, 2), [.5, .3, .2]), .25 / .38, .09 / .38, .04 / .38);

    [Fact]
    public void Top_k_keeps_the_k_most_probable() =>
        ShouldMatch(Frequencies(new TokenSampler(1f, 2, 1f, 3), [.2, .5, .3]), 0, .625, .375);

    [Fact]
    public void Top_k_keeps_ties_with_the_kth_value() =>
        ShouldMatch(Frequencies(new TokenSampler(1f, 1, 1f, 4), [.4, .2, .4]), .5, 0, .5);

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_the_mass()
    {
        // .5 < .6, then .5 + .3 ≥ .6: tokens 0 and 1 stay.
        ShouldMatch(Frequencies(new TokenSampler(1f, 0, .6f, 5), [.5, .3, .2]), .625, .375, 0);

        // .5 alone reaches .5.
        ShouldMatch(Frequencies(new TokenSampler(1f, 0, .5f, 6), [.5, .3, .2]), 1, 0, 0);
    }

    [Fact]
    public void Forbidden_tokens_are_never_drawn()
    {
        float[] logProbs = [float.NegativeInfinity, (float)Math.Log(.5), float.NegativeInfinity, (float)Math.Log(.5)];
        var sampler = new TokenSampler(1f, 0, 1f, 7);

        Enumerable.Range(0, 1000).Select(_ => sampler.Sample(logProbs)).Should().OnlyContain(t => t == 1 || t == 3);
    }

    [Fact]
    public void The_same_seed_draws_the_same_tokens()
    {
        float[] logProbs = [.1f, .2f, .3f, .4f, .5f];
        var a = new TokenSampler(1f, 0, 1f, 42);
        var b = new TokenSampler(1f, 0, 1f, 42);
        var c = new TokenSampler(1f, 0, 1f, 43);

        var fromA = Enumerable.Range(0, 200).Select(_ => a.Sample(logProbs)).ToArray();
        Enumerable.Range(0, 200).Select(_ => b.Sample(logProbs)).Should().Equal(fromA);
        Enumerable.Range(0, 200).Select(_ => c.Sample(logProbs)).Should().NotEqual(fromA);
    }

    [Fact]
    public void Xoshiro_doubles_are_uniform_in_the_unit_interval()
    {
        var rng = new Xoshiro256StarStar(0);
        var values = Enumerable.Range(0, 100_000).Select(_ => rng.NextDouble()).ToArray();

        values.Should().OnlyContain(v => v >= 0 && v < 1);
        values.Average().Should().BeApproximately(0.5, 0.005);
        values.Count(v => v < 0.1).Should().BeInRange(9_500, 10_500);
    }
}
