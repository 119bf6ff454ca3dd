using BenchmarkDotNet.Attributes;
using Seq2Seq.OnnxRuntime;

namespace Seq2Seq.Benchmarks.OnnxRuntime;

/// <summary>
/// Cost of one Run on a model that does almost nothing (Identity, 4×3 MatMul, Add), so the figure is the
/// binding's and ONNX Runtime's per-call overhead. One intra-op thread: a pool would only add hand-off cost here.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
public class RunOverheadBenchmarks
{
    private InferenceSession _session = null!;
    private OrtValue _input = null!;
    private IoBinding _binding = null!;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var options = new SessionOptions();
        options.SetIntraOpThreads(1);
        _session = new InferenceSession(TinyModels.MatMulAdd, options);
        var x = Enumerable.Range(0, Batch * 4).Select(i => i * 0.25f).ToArray();
        _input = OrtValue.CreateTensor<float>(x, [Batch, 4]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("X", _input);
        _binding.BindOutputToCpu("Y");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding.Dispose();
        _input.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float Run()
    {
        using var outputs = _session.Run(["X"], [_input], ["Y"]);
        return outputs[0].GetTensorData<float>()[0];
    }

    [Benchmark]
    public float RunWithIoBinding()
    {
        _session.Run(_binding);
        using var outputs = _binding.GetOutputs();
        return outputs[0].GetTensorData<float>()[0];
    }
}
