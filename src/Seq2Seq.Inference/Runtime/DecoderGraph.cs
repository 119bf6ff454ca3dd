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
    }

    public InferenceSession Session { get; }

    public string[] InputNames { get; }

    /// <summary>Every output, in the session's order: Run returns them in the order asked for.</summary>
    public string[] OutputNames { get; }

    public DecoderTensor[] Inputs { get; }

    public DecoderTensor[] Outputs { get; }
}
