using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Runtime;

public class PooledTensorTests
{
    private const int RowSize = 3;

    private static PooledTensor<float> Rows(int count) =>
        PooledTensor<float>.Rent([count, RowSize], (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = i / RowSize * 10 + i % RowSize;
            }
        }, 0);

    private static int[] RowIds(PooledTensor<float> tensor)
    {
        var data = tensor.Value.GetTensorDataAsSpan<float>().ToArray();
        var ids = new int[tensor.Value.GetTensorTypeAndShape().Shape[0]];
        for (var r = 0; r < ids.Length; r++)
        {
            var row = data.AsSpan(r * RowSize, RowSize).ToArray();
            row.Should().Equal(row[0], row[0] + 1, row[0] + 2);
            ids[r] = (int)row[0] / 10;
        }

        return ids;
    }

    [Theory]
    [InlineData(4, new[] { 0, 1, 2, 3 })]
    [InlineData(4, new[] { 0, 0, 1, 2 })]
    [InlineData(4, new[] { 3, 2, 1, 0 })]
    [InlineData(4, new[] { 1, 0, 3, 3 })]
    [InlineData(4, new[] { 2, 2, 2, 2 })]
    [InlineData(4, new[] { 1, 2, 3, 0 })]
    [InlineData(5, new[] { 0, 1, 3, 4 })]
    [InlineData(5, new[] { 4, 0, 1 })]
    [InlineData(5, new[] { 1, 1, 0 })]
    [InlineData(3, new[] { 2 })]
    public void Compacting_in_place_gives_each_row_its_parent(int rows, int[] parents)
    {
        var tensor = Rows(rows);

        using var compacted = tensor.Compact(parents);

        compacted.Value.GetTensorTypeAndShape().Shape.Should().Equal(parents.Length, RowSize);
        RowIds(compacted).Should().Equal(parents);
    }

    [Theory]
    [InlineData(new[] { 0, 2 })]
    [InlineData(new[] { 3, 3, 1 })]
    [InlineData(new int[0])]
    public void Gathering_builds_a_tensor_of_the_parent_rows(int[] parents)
    {
        using var tensor = Rows(4);

        using var gathered = tensor.Gather(parents);

        gathered.Value.GetTensorTypeAndShape().Shape.Should().Equal(parents.Length, RowSize);
        RowIds(gathered).Should().Equal(parents);
    }
}
