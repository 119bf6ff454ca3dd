using Seq2Seq.OnnxRuntime;

namespace Seq2Seq.Inference.Runtime;

/// <summary>A decoder session with its inputs and outputs classified once, so each step only fills slots.</summary>
internal sealed class DecoderGraph
{
    public DecoderGraph(InferenceSession session)
    {
        Session = session;
        InputNames = [.. session.Inputs.Select(i => i.Name)];
        Inputs = [.. InputNames.Select(DecoderTensor.Parse)];
        Outputs = [.. session.Outputs.Select(o => DecoderTensor.Parse(o.Name))];
        LogitsOutput = Array.FindIndex(Outputs, o => o.Kind == DecoderTensorKind.Logits);
    }

    public InferenceSession Session { get; }

    public string[] InputNames { get; }

    public DecoderTensor[] Inputs { get; }

    /// <summary>Outputs in the session's order, which is the order Run returns them in.</summary>
    public DecoderTensor[] Outputs { get; }

    public int LogitsOutput { get; }
}
