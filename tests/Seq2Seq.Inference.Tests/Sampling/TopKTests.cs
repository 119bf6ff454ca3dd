using Seq2Seq.Inference.Sampling;

namespace Seq2Seq.Inference.Tests.Sampling;

public class TopKTests
{
    /// <summary>Random values from a few levels, so ties are common, with some −∞ (forbidden tokens).</summary>
    internal static float[] TiedValues(Random random, int length, int levels) =>
        [.. Enumerable.Range(0, length).Select(_ => random.Next(10) == 0 ? float.NegativeInfinity : (float)(random.Next(levels) * 0.37 - 5))];

    private static int[] FullSort(float[] values, int k) =>
        [.. Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k)];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 1)]
    [InlineData(100, 3)]
    [InlineData(100, 24)]
    [InlineData(100, 26)]
    [InlineData(100, 100)]
    [InlineData(4003, 64)]
    [InlineData(4003, 1500)]
    [InlineData(100_003, 3000)]
    [InlineData(100_003, 40_000)]
    public void Selection_equals_the_head_of_a_full_sort_ties_included(int length, int k)
    {
        var random = new Random(length * 31 + k);
        foreach (var levels in new[] { 2, 7, 1000 })
        {
            var values = TiedValues(random, length, levels);
            var best = new int[k];

            TopK.Select(values, best);

            best.Should().Equal(FullSort(values, k), $"{levels} levels");
        }
    }

    [Fact]
    public void Negative_zero_ties_with_zero_as_float_comparison_has_it()
    {
        // 40 values: the heap takes k = 1, the keys k = 4.
        float[] values = [-1f, 0f, -0f, 0f, -0f, .. Enumerable.Repeat(-1f, 35)];

        foreach (var k in new[] { 1, 4 })
        {
            var best = new int[k];
            TopK.Select(values, best);
            best.Should().Equal(new[] { 1, 2, 3, 4 }.Take(k));
        }
    }
}
