namespace Seq2Seq.OnnxRuntime.Tests;

public class SmokeTests
{
    [Fact]
    public void MatMulAdd_runs()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        var x = new float[] { 1, 2, 3, 4, -1, 0.5f, 2, 0 };
        using var input = OrtValue.CreateTensor<float>(x, [2, 4]);
        using var outputs = session.Run(["X"], [input], ["Y"]);
        outputs[0].Shape.ToArray().Should().Equal(2, 3);
        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd(x, 2));
        OrtEnvironment.Instance.Version.Should().Be("1.30.0");
    }
}
