namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// A model bundle cannot be used: a file is missing or malformed, or an ONNX graph does not match what
/// config.json implies. The message names the file and, where one is at fault, the tensor or field.
/// </summary>
public sealed class ModelBundleException : Exception
{
    public ModelBundleException(string filePath, string? item, string problem, Exception? inner = null)
        : base(item is null ? $"{filePath}: {problem}" : $"{filePath}: '{item}' {problem}", inner)
    {
        FilePath = filePath;
        Item = item;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>The tensor or JSON field at fault, if a single one is.</summary>
    public string? Item { get; }
}
