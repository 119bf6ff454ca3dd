namespace Seq2Seq.OnnxRuntime.Tests;

public class RunOptionsTests
{
    [Fact]
    public void Terminate_makes_run_fail_until_reset()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[] { 1, 2, 3, 4 }, [1, 4]);
        using var runOptions = new RunOptions();

        runOptions.Terminate();
        var terminated = () => session.Run(["X"], [input], ["Y"], runOptions);

        var error = terminated.Should().Throw<OnnxRuntimeException>().Which;
        error.ErrorCode.Should().Be(OrtErrorCode.Fail);
        error.OrtMessage.Should().Contain("terminate");

        runOptions.ResetTerminate();
        using var outputs = session.Run(["X"], [input], ["Y"], runOptions);
        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd([1, 2, 3, 4], 1));
    }

    [Fact]
    public void Cancellation_token_registration_terminates_runs()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);
        using var runOptions = new RunOptions();
        using var cancellation = new CancellationTokenSource();
        using var registration = cancellation.Token.Register(runOptions.Terminate);

        cancellation.Cancel();

        var act = () => session.Run(["X"], [input], ["Y"], runOptions);
        act.Should().Throw<OnnxRuntimeException>();
    }

    [Fact]
    public void Terminating_one_run_options_leaves_other_runs_alone()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[] { 1, 0, 0, 0 }, [1, 4]);
        using var terminated = new RunOptions();
        using var untouched = new RunOptions();
        terminated.Terminate();

        using var outputs = session.Run(["X"], [input], ["Y"], untouched);

        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd([1, 0, 0, 0], 1));
    }
}
