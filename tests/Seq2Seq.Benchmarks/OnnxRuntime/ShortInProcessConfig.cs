using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Seq2Seq.Benchmarks.OnnxRuntime;

/// <summary>
/// BenchmarkDotNet's short job (3 warm-up and 3 measured iterations) run in the host process: on the shared
/// 2-core machine, building a separate benchmark project per run takes minutes and can time out.
/// </summary>
internal sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
