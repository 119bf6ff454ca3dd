namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Failures surface as <see cref="OnnxRuntimeException"/> with ONNX Runtime's own code and message.</summary>
public class ErrorTests
{
    [Fact]
    public void Unknown_input_name_is_reported_by_onnx_runtime()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);

        var act = () => session.Run(["NotAnInput"], [input], ["Y"]);

        var error = act.Should().Throw<OnnxRuntimeException>().Which;
        error.ErrorCode.Should().Be(OrtErrorCode.InvalidArgument);
        error.OrtMessage.Should().Contain("NotAnInput");
    }

    [Fact]
    public void Unknown_output_name_is_reported_by_onnx_runtime()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);

        var act = () => session.Run(["X"], [input], ["NotAnOutput"]);

        act.Should().Throw<OnnxRuntimeException>().Which.OrtMessage.Should().Contain("NotAnOutput");
    }

    [Fact]
    public void Wrong_shape_is_reported_with_the_offending_input()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[10], [2, 5]);

        var act = () => session.Run(["X"], [input], ["Y"]);

        var error = act.Should().Throw<OnnxRuntimeException>().Which;
        error.ErrorCode.Should().Be(OrtErrorCode.InvalidArgument);
        error.OrtMessage.Should().Contain("X").And.Contain("dimensions");
    }

    [Fact]
    public void Wrong_element_type_is_reported()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        using var input = OrtValue.CreateTensor<int>(new int[2], [1, 2]);

        var act = () => session.Run(["ids"], [input]);

        var error = act.Should().Throw<OnnxRuntimeException>().Which;
        error.ErrorCode.Should().Be(OrtErrorCode.InvalidArgument);
        error.OrtMessage.Should().Contain("type");
    }

    [Fact]
    public void Missing_model_file_is_reported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var act = () => new InferenceSession(path);

        var error = act.Should().Throw<OnnxRuntimeException>().Which;
        error.ErrorCode.Should().Be(OrtErrorCode.NoSuchFile);
        error.OrtMessage.Should().Contain(path);
    }

    [Fact]
    public void Corrupt_model_file_is_reported()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.onnx");
        var bytes = File.ReadAllBytes(TestModels.MatMulAdd);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            var act = () => new InferenceSession(path);

            var error = act.Should().Throw<OnnxRuntimeException>().Which;
            error.ErrorCode.Should().Be(OrtErrorCode.InvalidProtobuf);
            error.OrtMessage.Should().NotBeNullOrWhiteSpace();
            error.Message.Should().Contain(error.OrtMessage);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_buffer_shorter_than_the_shape_is_rejected_by_onnx_runtime()
    {
        var act = () => OrtValue.CreateTensor<float>(new float[3], [2, 2]);

        act.Should().Throw<OnnxRuntimeException>().Which.ErrorCode.Should().Be(OrtErrorCode.InvalidArgument);
    }

    [Fact]
    public void A_CSharp_type_that_cannot_hold_the_element_type_is_rejected()
    {
        var create = () => OrtValue.CreateTensor<float>(new float[2], [2], TensorElementType.Int64);
        create.Should().Throw<ArgumentException>();

        using var ints = OrtValue.CreateTensor<int>(new int[2], [2]);
        var read = () => ints.GetTensorData<float>().Length;
        read.Should().Throw<InvalidOperationException>().WithMessage("*Int32*");
    }

    [Fact]
    public void Mismatched_name_and_value_counts_are_rejected_before_calling_onnx_runtime()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);

        var act = () => session.Run(["X", "B"], [input], ["Y"]);

        act.Should().Throw<ArgumentException>();
    }
}
