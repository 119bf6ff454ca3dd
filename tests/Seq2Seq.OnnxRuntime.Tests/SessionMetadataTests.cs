namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>What a session reports about its model, against what Models/make_models.py wrote into the files.</summary>
public class SessionMetadataTests
{
    [Fact]
    public void Inputs_and_outputs_carry_names_types_and_symbolic_dimensions()
    {
        using var session = new InferenceSession(TestModels.GatherCast);

        session.Inputs.Should().ContainSingle();
        var ids = session.Inputs[0];
        ids.Name.Should().Be("ids");
        ids.ValueType.Should().Be(OnnxValueType.Tensor);
        ids.ElementType.Should().Be(TensorElementType.Int64);
        ids.Dimensions.Should().Equal(-1, -1);
        ids.SymbolicDimensions.Should().Equal("batch", "sequence");

        session.Outputs.Select(o => o.Name).Should().Equal("embeddings", "ids_int32");
        session.Outputs[0].ElementType.Should().Be(TensorElementType.Float);
        session.Outputs[0].Dimensions.Should().Equal(-1, -1, 2);
        session.Outputs[0].SymbolicDimensions.Should().Equal("batch", "sequence", "");
        session.Outputs[1].ElementType.Should().Be(TensorElementType.Int32);
    }

    [Fact]
    public void Element_types_of_bool_int32_and_float16_models_are_reported()
    {
        using var boolInt32 = new InferenceSession(TestModels.BoolInt32);
        boolInt32.Inputs.Select(i => i.ElementType)
            .Should().Equal(TensorElementType.Int32, TensorElementType.Int32, TensorElementType.Bool);
        boolInt32.Outputs.Select(o => o.ElementType).Should().Equal(TensorElementType.Bool, TensorElementType.Int32);

        using var float16 = new InferenceSession(TestModels.Float16);
        float16.Inputs[0].ElementType.Should().Be(TensorElementType.Float16);
        float16.Outputs.Select(o => o.ElementType).Should().Equal(TensorElementType.Float16, TensorElementType.Float);
    }

    [Fact]
    public void Model_metadata_is_read_from_the_file()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);

        var metadata = session.ModelMetadata;
        metadata.ProducerName.Should().Be("seq2seq-binding-tests");
        metadata.GraphName.Should().Be("matmul_add");
        metadata.Domain.Should().Be("ai.seq2seq.tests");
        metadata.Description.Should().Be("MatMul then Add");
        metadata.Version.Should().Be(7);
        metadata.CustomMetadata.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["purpose"] = "binding tests",
            ["weights"] = "W[i,j]=0.5*(i-j)+0.25; B[j]=j-1",
        });
    }

    [Fact]
    public void A_model_without_custom_metadata_has_an_empty_map()
    {
        using var session = new InferenceSession(TestModels.BoolInt32);

        session.ModelMetadata.CustomMetadata.Should().BeEmpty();
        session.ModelMetadata.GraphName.Should().Be("bool_int32");
    }

    [Fact]
    public void The_loaded_library_is_onnx_runtime_1_30_0()
    {
        OrtEnvironment.LibraryVersion.Should().Be("1.30.0");
        OrtEnvironment.Instance.Version.Should().Be("1.30.0");
    }
}
