using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Runtime;

/// <summary>Rows of two cache tensors stacked along the rows, padded along another axis.</summary>
public class CacheAxisTests
{
    /// <summary>[rows, 2 heads, positions, 2]: every element of a row is its value, so padding (0) stands out.</summary>
    private static PooledTensor<float> Cache(int rows, int positions, float first) =>
        PooledTensor<float>.Rent([rows, 2, positions, 2], (span, width) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = first + i / (span.Length / rows);
            }
        }, positions);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Stacking_pads_the_shorter_rows_with_zeros_even_over_a_reused_buffer(bool alignEnd)
    {
        // Rented buffers come back from the pool as they were left: fill some with non-zero values first.
        for (var i = 0; i < 4; i++)
        {
            PooledTensor<float>.Rent([3, 2, 5, 2], (span, _) => span.Fill(-7f), 0).Dispose();
        }

        using var longer = Cache(2, 5, first: 1);
        using var shorter = Cache(1, 2, first: 9);

        using var stacked = CacheAxis.Stack(longer, shorter, axis: 2, alignEnd);

        stacked.Shape.Should().Equal(3, 2, 5, 2);
        var data = stacked.Data.ToArray();
        data[..40].Should().Equal(longer.Data.ToArray(), "the longer rows are copied as they are");
        for (var head = 0; head < 2; head++)
        {
            var positions = data.AsSpan(40 + head * 10, 10).ToArray();
            float[] filled = [9, 9, 9, 9];
            float[] padding = [0, 0, 0, 0, 0, 0];
            positions.Should().Equal(alignEnd ? [.. padding, .. filled] : [.. filled, .. padding]);
        }
    }
}
