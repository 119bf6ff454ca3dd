namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Optional capability of an <c>IDecoderState</c> whose decoder graph outputs its attention over the
/// source tokens (the recurrent model's attention, a Transformer's cross-attention). The generator asks for
/// it only for requests that want attention back.
/// </summary>
public interface IAttentionState
{
    /// <summary>Columns of <see cref="Attention"/>: the longest source of the batch (eos included).</summary>
    int SourceWidth { get; }

    /// <summary>
    /// The last <c>IDecoderState.Step</c>'s attention, <c>Rows</c> × <see cref="SourceWidth"/>,
    /// row-major: row r's weights over its own source's tokens (padding columns 0), summing to 1. Valid until
    /// the next call.
    /// </summary>
    ReadOnlySpan<float> Attention { get; }
}
