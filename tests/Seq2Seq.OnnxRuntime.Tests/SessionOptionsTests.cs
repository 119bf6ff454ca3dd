using System.Text;

namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Each session option is checked by an effect ONNX Runtime makes visible.</summary>
public class SessionOptionsTests
{
    [Theory]
    [InlineData(GraphOptimizationLevel.DisableAll, true)]
    [InlineData(GraphOptimizationLevel.Basic, false)]
    [InlineData(GraphOptimizationLevel.All, false)]
    public void Graph_optimization_level_decides_whether_the_identity_node_survives(
        GraphOptimizationLevel level, bool identityKept)
    {
        var optimizedPath = Path.Combine(Path.GetTempPath(), $"optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions())
            {
                options.SetGraphOptimizationLevel(level);
                options.SetOptimizedModelFilePath(optimizedPath);
                using var session = new InferenceSession(TestModels.MatMulAdd, options);
            }

            var saved = Encoding.ASCII.GetString(File.ReadAllBytes(optimizedPath));
            saved.Contains("Identity", StringComparison.Ordinal).Should().Be(identityKept);
        }
        finally
        {
            File.Delete(optimizedPath);
        }
    }

    [Fact]
    public void Config_entry_reaches_the_session()
    {
        using var options = new SessionOptions();
        options.AddConfigEntry("session.load_model_format", "ORT");

        var act = () => new InferenceSession(TestModels.MatMulAdd, options);

        act.Should().Throw<OnnxRuntimeException>();
    }

    [Fact]
    public void Free_dimension_override_fixes_the_symbolic_dimension()
    {
        using var options = new SessionOptions();
        options.AddFreeDimensionOverride("batch", 2);
        using var session = new InferenceSession(TestModels.MatMulAdd, options);

        session.Inputs[0].Dimensions.Should().Equal(2, 4);
        using var three = OrtValue.CreateTensor<float>(new float[12], [3, 4]);
        var wrongBatch = () => session.Run(["X"], [three], ["Y"]);
        wrongBatch.Should().Throw<OnnxRuntimeException>().Which.ErrorCode.Should().Be(OrtErrorCode.InvalidArgument);

        using var two = OrtValue.CreateTensor<float>(new float[8], [2, 4]);
        using var outputs = session.Run(["X"], [two], ["Y"]);
        outputs[0].Shape.ToArray().Should().Equal(2, 3);
    }

    [Theory]
    [InlineData(false, false, ExecutionMode.Sequential)]
    [InlineData(true, true, ExecutionMode.Parallel)]
    public void Memory_and_execution_settings_keep_results_correct(bool arena, bool pattern, ExecutionMode mode)
    {
        using var options = new SessionOptions();
        options.SetCpuMemoryArena(arena);
        options.SetMemoryPattern(pattern);
        options.SetExecutionMode(mode);
        options.SetInterOpThreads(1);
        options.SetIntraOpThreads(1);
        using var session = new InferenceSession(TestModels.MatMulAdd, options);
        var x = new float[] { 0.5f, -1, 2, 3, 4, 5, 6, 7 };
        using var input = OrtValue.CreateTensor<float>(x, [2, 4]);

        using var outputs = session.Run(["X"], [input], ["Y"]);

        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd(x, 2));
    }
}
