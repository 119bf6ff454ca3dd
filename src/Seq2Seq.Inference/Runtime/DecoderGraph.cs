using Microsoft.ML.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>A decoder session with its inputs and outputs classified once, so each step only fills slots.</summary>
internal sealed class DecoderGraph
{
    public DecoderGraph(InferenceSession session)
    {
        Session = session;
        InputNames = [.. session.InputNames];
        OutputNames = [.. session.OutputNames];
        Inputs = [.. InputNames.Select(DecoderTensor.Parse)];
        Outputs = [.. OutputNames.Select(DecoderTensor.Parse)];
        DecoderMaskIsOptional = session.OverridableInitializerMetadata.ContainsKey(DecoderTensor.DecoderMaskName);
        AcceptsDecoderMask = DecoderMaskIsOptional || Inputs.Any(i => i.Kind == DecoderTensorKind.DecoderAttentionMask);
        InputNamesWithMask = [.. InputNames, DecoderTensor.DecoderMaskName];
    }

    /// <summary>
    /// Whether the graph takes decoder_attention_mask (per-row padding of the past, positions counted over
    /// real slots only), as an input or as an initializer a run may override.
    /// </summary>
    public bool AcceptsDecoderMask { get; }

    /// <summary>The mask has a default ("no padding"), so a run feeds it only when some row is padded.</summary>
    public bool DecoderMaskIsOptional { get; }

    /// <summary><see cref="InputNames"/> followed by the optional mask's name.</summary>
    public string[] InputNamesWithMask { get; }

    public InferenceSession Session { get; }

    public string[] InputNames { get; }

    /// <summary>Every output, in the session's order: Run returns them in the order asked for.</summary>
    public string[] OutputNames { get; }

    public DecoderTensor[] Inputs { get; }

    public DecoderTensor[] Outputs { get; }
}
