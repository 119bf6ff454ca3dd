using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Models;

public class ProfilingTests
{
    [Fact]
    public void A_profiling_runner_leaves_each_graphs_profile_and_optimized_model_under_its_prefix()
    {
        var folder = Directory.CreateTempSubdirectory("seq2seq-profile-test-");
        try
        {
            var prefix = Path.Combine(folder.FullName, "run-");
            using (var model = TranslationModel.Load(RepoPaths.Bundle(RepoPaths.TinyBundle), new RunnerOptions { IntraOpThreads = 1, ProfilePrefix = prefix }))
            {
                model.Translate(["Hello."]);
            }

            var files = folder.GetFiles().Select(f => f.Name).ToList();
            files.Should().Contain(f => f.StartsWith("run-encoder_model_", StringComparison.Ordinal) && f.EndsWith(".json", StringComparison.Ordinal));
            files.Should().Contain(f => f.StartsWith("run-decoder_model_", StringComparison.Ordinal) && f.EndsWith(".json", StringComparison.Ordinal));
            files.Should().Contain("run-encoder_model.optimized.onnx");
            File.ReadAllText(folder.GetFiles("run-encoder_model_*.json")[0].FullName).Should().Contain("\"model_run\"");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
