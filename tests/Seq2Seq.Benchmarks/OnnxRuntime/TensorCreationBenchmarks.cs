using BenchmarkDotNet.Attributes;
using Seq2Seq.OnnxRuntime;

namespace Seq2Seq.Benchmarks.OnnxRuntime;

/// <summary>
/// Cost of wrapping an existing managed buffer as a tensor and releasing it again. The buffer is not copied,
/// so the figure should not depend on its size; the two sizes check that.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
public class TensorCreationBenchmarks
{
    private float[] _floats = null!;
    private long[] _ids = null!;
    private long[] _shape = null!;

    [Params(4, 65_536)]
    public int Elements { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _floats = new float[Elements];
        _ids = new long[Elements];
        _shape = [1, Elements];
    }

    [Benchmark(Baseline = true)]
    public long CreateFloatTensor()
    {
        using var value = OrtValue.CreateTensor<float>(_floats, _shape);
        return value.Shape[1];
    }

    [Benchmark]
    public long CreateInt64Tensor()
    {
        using var value = OrtValue.CreateTensor<long>(_ids, _shape);
        return value.Shape[1];
    }
}
