namespace Seq2Seq.OnnxRuntime;

/// <summary>What the model file says about itself (the ModelProto fields and its metadata_props).</summary>
public sealed record ModelMetadata(
    string ProducerName,
    string GraphName,
    string Domain,
    string Description,
    long Version,
    IReadOnlyDictionary<string, string> CustomMetadata);
