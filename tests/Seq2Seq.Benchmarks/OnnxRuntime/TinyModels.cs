namespace Seq2Seq.Benchmarks.OnnxRuntime;

/// <summary>
/// Finds the binding tests' tiny models in the repository. BenchmarkDotNet runs benchmarks from a generated
/// project below this one's bin folder, so the repository root is found by walking up to the solution file.
/// </summary>
internal static class TinyModels
{
    public static string MatMulAdd => Find("matmul_add.onnx");

    private static string Find(string fileName)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Seq2SeqService.sln")))
                {
                    return Path.Combine(directory.FullName, "tests", "Seq2Seq.OnnxRuntime.Tests", "Models", fileName);
                }
            }
        }

        throw new FileNotFoundException($"No Seq2SeqService.sln above {AppContext.BaseDirectory}; run from the repository.", fileName);
    }
}
