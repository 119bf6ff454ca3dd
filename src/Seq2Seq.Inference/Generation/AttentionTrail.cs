namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The attention rows of one request's decoder rows, one per generated token, over the request's source
/// tokens. Rows fork and leave as the search advances; each keeps a link to its parent's trail, so forking
/// copies nothing and a finished hypothesis reads back exactly the rows of its own history.
/// </summary>
internal sealed class AttentionTrail(int sourceLength, int maxRows)
{
    private Link?[] _trails = new Link?[maxRows];
    private Link?[] _next = new Link?[maxRows];
    private readonly float[]?[] _step = new float[]?[maxRows];

    /// <summary>Takes this step's rows (<paramref name="rows"/> × <paramref name="width"/>, the request's rows only).</summary>
    public void Record(ReadOnlySpan<float> attention, int width, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            _step[r] = attention.Slice(r * width, sourceLength).ToArray();
        }
    }

    /// <summary>New row i continues old row parents[i], with old row parents[i]'s attention of this step.</summary>
    public void Advance(ReadOnlySpan<int> parents)
    {
        for (var i = 0; i < parents.Length; i++)
        {
            _next[i] = new Link(_step[parents[i]]!, _trails[parents[i]]);
        }

        (_trails, _next) = (_next, _trails);
    }

    /// <summary>The attention of row <paramref name="row"/>'s sequence ending with this step's token, oldest first.</summary>
    public float[][] Finish(int row)
    {
        var rows = new List<float[]>();
        for (var link = new Link(_step[row]!, _trails[row]); link is not null; link = link.Previous)
        {
            rows.Add(link.Weights);
        }

        rows.Reverse();
        return [.. rows];
    }

    private sealed record Link(float[] Weights, Link? Previous);
}
