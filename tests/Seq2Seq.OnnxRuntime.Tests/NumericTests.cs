namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Results of the tiny models against values computed here in C#.</summary>
public class NumericTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void MatMulAdd_matches_CSharp_for_any_batch_size(int batch)
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        var x = Enumerable.Range(0, batch * 4).Select(i => (i % 7) - 2.5f + i * 0.125f).ToArray();
        using var input = OrtValue.CreateTensor<float>(x, [batch, 4]);

        using var outputs = session.Run(["X"], [input], ["Y"]);

        outputs.Names.Should().Equal("Y");
        outputs["Y"].ValueType.Should().Be(OnnxValueType.Tensor);
        outputs["Y"].ElementType.Should().Be(TensorElementType.Float);
        outputs["Y"].Shape.ToArray().Should().Equal(batch, 3);
        outputs["Y"].GetTensorData<float>().ToArray()
            .Should().BeEquivalentTo(TestModels.ExpectedMatMulAdd(x, batch), o => o.WithStrictOrdering()
                .Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-4f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Int64_ids_gather_embeddings_and_cast_to_int32()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        long[] ids = [3, 0, 9, 9, 1, 4];
        using var input = OrtValue.CreateTensor<long>(ids, [2, 3]);

        using var outputs = session.Run(["ids"], [input]);

        outputs.Names.Should().Equal("embeddings", "ids_int32");
        var embeddings = outputs["embeddings"];
        embeddings.Shape.ToArray().Should().Equal(2, 3, 2);
        var expected = ids.SelectMany(v => new[] { 10f * v, 10f * v + 1 }).ToArray();
        embeddings.GetTensorData<float>().ToArray().Should().Equal(expected);

        outputs["ids_int32"].ElementType.Should().Be(TensorElementType.Int32);
        outputs["ids_int32"].GetTensorData<int>().ToArray().Should().Equal(ids.Select(v => (int)v));
    }

    [Fact]
    public void Bool_and_int32_tensors_round_trip()
    {
        using var session = new InferenceSession(TestModels.BoolInt32);
        int[] a = [5, -2, 7, 0, int.MaxValue];
        int[] b = [1, 3, 7, -1, int.MinValue];
        bool[] mask = [true, false, false, true, true];
        using var aValue = OrtValue.CreateTensor<int>(a, [5]);
        using var bValue = OrtValue.CreateTensor<int>(b, [5]);
        using var maskValue = OrtValue.CreateTensor<bool>(mask, [5]);

        using var outputs = session.Run(["a", "b", "mask"], [aValue, bValue, maskValue], ["selected", "greater"]);

        outputs["greater"].ElementType.Should().Be(TensorElementType.Bool);
        outputs["greater"].GetTensorData<bool>().ToArray().Should().Equal(a.Zip(b, (x, y) => x > y));
        outputs["selected"].GetTensorData<int>().ToArray()
            .Should().Equal(mask.Select((m, i) => m ? a[i] : b[i]));
    }

    [Fact]
    public void Float16_as_Half_computes_in_half_precision()
    {
        using var session = new InferenceSession(TestModels.Float16);
        Half[] x = [(Half)1.5f, (Half)(-0.25f), (Half)1000f, (Half)0.099975586f];
        using var input = OrtValue.CreateTensor<Half>(x, [x.Length]);

        using var outputs = session.Run(["x"], [input]);

        outputs["doubled"].ElementType.Should().Be(TensorElementType.Float16);
        outputs["doubled"].GetTensorData<Half>().ToArray().Should().Equal(x.Select(h => (Half)((float)h * 2)));
        outputs["widened"].GetTensorData<float>().ToArray().Should().Equal(x.Select(h => (float)h));
    }

    [Fact]
    public void Float16_as_raw_ushort_bits_reads_and_writes_the_same_bits()
    {
        using var session = new InferenceSession(TestModels.Float16);
        Half[] halves = [(Half)3f, (Half)(-7.5f)];
        var bits = halves.Select(BitConverter.HalfToUInt16Bits).ToArray();
        using var input = OrtValue.CreateTensor<ushort>(bits, [bits.Length], TensorElementType.Float16);

        using var outputs = session.Run(["x"], [input], ["doubled", "widened"]);

        outputs["doubled"].GetTensorData<ushort>().ToArray()
            .Should().Equal(halves.Select(h => BitConverter.HalfToUInt16Bits((Half)((float)h * 2))));
        outputs["widened"].GetTensorData<float>().ToArray().Should().Equal(3f, -7.5f);
    }

    [Fact]
    public void Input_tensor_reads_the_callers_buffer_in_place()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        var x = new float[4];
        using var input = OrtValue.CreateTensor<float>(x, [1, 4]);

        // Writing the array after creating the tensor must change what the model sees: no copy was made.
        x[0] = 2;
        x[3] = -1;
        using var outputs = session.Run(["X"], [input], ["Y"]);

        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd(x, 1));
        input.GetTensorData<float>().ToArray().Should().Equal(x);
    }

    [Fact]
    public void A_buffer_longer_than_the_shape_is_accepted_and_only_its_prefix_is_read()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        var pooled = new float[64];
        pooled[0] = 1;
        pooled[5] = 4;
        using var input = OrtValue.CreateTensor<float>(pooled, [2, 4]);

        using var outputs = session.Run(["X"], [input], ["Y"]);

        outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd(pooled[..8], 2));
        input.GetTensorData<float>().Length.Should().Be(8);
    }

    [Fact]
    public void IoBinding_runs_with_bound_input_and_caller_or_runtime_allocated_outputs()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        long[] ids = [2, 5];
        var castInto = new int[2];
        using var input = OrtValue.CreateTensor<long>(ids, [1, 2]);
        using var castOutput = OrtValue.CreateTensor<int>(castInto, [1, 2]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("ids", input);
        binding.BindOutputToCpu("embeddings");
        binding.BindOutput("ids_int32", castOutput);

        session.Run(binding);

        castInto.Should().Equal(2, 5);
        using var outputs = binding.GetOutputs();
        outputs.Names.Should().Equal("embeddings", "ids_int32");
        outputs["embeddings"].Shape.ToArray().Should().Equal(1, 2, 2);
        outputs["embeddings"].GetTensorData<float>().ToArray().Should().Equal(20f, 21f, 50f, 51f);

        ids[1] = 7;
        session.Run(binding);
        castInto.Should().Equal(2, 7);
    }

    [Fact]
    public void Clearing_an_IoBinding_unbinds_its_outputs_and_inputs()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        using var input = OrtValue.CreateTensor<long>(new long[] { 1 }, [1, 1]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("ids", input);
        binding.BindOutputToCpu("embeddings");
        session.Run(binding);

        binding.ClearOutputs();
        using (var outputs = binding.GetOutputs())
        {
            outputs.Should().BeEmpty();
        }

        binding.BindOutputToCpu("ids_int32");
        binding.ClearInputs();
        var runWithoutInput = () => session.Run(binding);
        runWithoutInput.Should().Throw<OnnxRuntimeException>().Which.OrtMessage.Should().Contain("ids");
    }
}
