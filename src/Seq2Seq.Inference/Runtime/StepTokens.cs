using Microsoft.ML.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// The input_ids of a decoder step, [rows, positions]: one pinned buffer per state, reused every step and grown when
/// beams fork or rows join.
/// </summary>
internal sealed class StepTokens
{
    private long[] _ids = [];

    /// <summary>A tensor over the tokens, valid until the next call; the caller disposes it.</summary>
    public OrtValue Over(ReadOnlySpan<int> tokens, int positions = 1)
    {
        if (_ids.Length < tokens.Length)
        {
            _ids = PinnedTensor.Allocate<long>(tokens.Length);
        }

        for (var r = 0; r < tokens.Length; r++)
        {
            _ids[r] = tokens[r];
        }

        return PinnedTensor.Over(_ids, [tokens.Length / positions, positions]);
    }
}
