namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// An input or output of a model. <see cref="Dimensions"/> holds -1 where a dimension is not fixed, and
/// <see cref="SymbolicDimensions"/> the name the model gives such a dimension (e.g. "batch"), or "" where it
/// gives none.
/// </summary>
public sealed record NodeMetadata(
    string Name,
    OnnxValueType ValueType,
    TensorElementType ElementType,
    IReadOnlyList<long> Dimensions,
    IReadOnlyList<string> SymbolicDimensions);
