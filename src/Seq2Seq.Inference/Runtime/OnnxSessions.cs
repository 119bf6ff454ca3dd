using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Runtime;

/// <summary>Opens the ONNX Runtime sessions of a bundle's graphs, with the settings every runner uses.</summary>
internal static class OnnxSessions
{
    /// <summary>Opens the files side by side (<see cref="ParallelOpen"/>): graph loading dominates start-up.</summary>
    /// <exception cref="ModelBundleException">ONNX Runtime cannot load a file; names it.</exception>
    public static InferenceSession[] OpenAll(string[] paths, RunnerOptions options) =>
        ParallelOpen.All(paths.Length, i => Open(paths[i], options));

    private static InferenceSession Open(string path, RunnerOptions options)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // Errors still surface as exceptions; warnings would print on stderr at every start, such as the
            // one for decoder_attention_mask, an initializer a run may override by design.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.ProfilePrefix is { } prefix)
        {
            var graph = prefix + Path.GetFileNameWithoutExtension(path);
            // The prefix first: enabling profiling hands ONNX Runtime the prefix set at that moment.
            sessionOptions.ProfileOutputPathPrefix = graph;
            sessionOptions.EnableProfiling = true;
            sessionOptions.OptimizedModelFilePath = graph + ".optimized.onnx";
        }

        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelBundleException(path, null, $"cannot be loaded by ONNX Runtime: {e.Message}", e);
        }
    }
}
