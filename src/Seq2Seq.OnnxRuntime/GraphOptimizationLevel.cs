namespace Seq2Seq.OnnxRuntime;

/// <summary>How much ONNX Runtime rewrites the graph when it loads a model (C API numbering).</summary>
public enum GraphOptimizationLevel
{
    DisableAll = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
