using Seq2Seq.Inference.Sampling;

namespace Seq2Seq.Inference.Tests.Sampling;

/// <summary>
/// The sampler's partial selection draws exactly the tokens of the plain algorithm: every candidate kept in id order,
/// all of them sorted for top_p, from the same random stream.
/// </summary>
public class TokenSamplerOrderTests
{
    private static int Reference(float[] logProbs, float temperature, int topK, float topP, Xoshiro256StarStar rng)
    {
        var threshold = topK > 0 && topK < logProbs.Length ? logProbs.OrderByDescending(v => v).ElementAt(topK - 1) : float.NegativeInfinity;
        var candidates = Enumerable.Range(0, logProbs.Length).Where(i => logProbs[i] >= threshold && logProbs[i] > float.NegativeInfinity).ToList();
        var max = candidates.Max(i => logProbs[i]);
        var probability = candidates.ToDictionary(i => i, i => Math.Exp((logProbs[i] - max) / temperature));
        var total = candidates.Aggregate(0.0, (sum, i) => sum + probability[i]);
        if (topP < 1f)
        {
            candidates = [.. candidates.OrderByDescending(i => logProbs[i]).ThenBy(i => i)];
            var kept = 0.0;
            var keep = 0;
            while (keep < candidates.Count && kept < topP * total)
            {
                kept += probability[candidates[keep++]];
            }

            candidates = candidates[..keep];
            total = kept;
        }

        var u = rng.NextDouble() * total;
        var acc = 0.0;
        foreach (var i in candidates)
        {
            acc += probability[i];
            if (u < acc)
            {
                return i;
            }
        }

        return candidates[^1];
    }

    [Theory]
    [InlineData(1f, 0, .9f, 3)]
    [InlineData(1f, 0, .5f, 1000)]
    [InlineData(.7f, 0, .99f, 1000)]
    [InlineData(1f, 40, .95f, 7)]
    [InlineData(1.3f, 500, 1f, 1000)]
    [InlineData(1f, 0, 1f, 1000)]
    public void Draws_equal_the_full_sort_algorithm(float temperature, int topK, float topP, int levels)
    {
        var random = new Random(levels + topK);
        var sampler = new TokenSampler(temperature, topK, topP, 11);
        var rng = new Xoshiro256StarStar(11);
        for (var step = 0; step < 40; step++)
        {
            // Peaked rows (a nucleus of a few tokens) and flat ones (most of the row), as decoding meets them.
            var logProbs = TopKTests.TiedValues(random, 3001, levels);
            if (step % 2 == 0)
            {
                logProbs[random.Next(logProbs.Length)] = 9f;
            }

            sampler.Sample(logProbs).Should().Be(Reference(logProbs, temperature, topK, topP, rng), $"step {step}");
        }
    }
}
