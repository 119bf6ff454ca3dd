using System.Diagnostics;

namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>
/// Repeated create/run/dispose cycles must not grow the process. Each cycle moves about 32 KB through native and
/// pinned managed memory, so leaking any of it would add hundreds of MB over 10,000 cycles; the tolerance,
/// 20 MB of resident memory, leaves room for allocator and GC noise only.
/// </summary>
[Collection(SerialCollection.Name)]
public class MemoryTests
{
    private const int Cycles = 10_000;
    private const long ToleranceBytes = 20L * 1024 * 1024;
    private const int Batch = 1024;

    [Fact]
    public void Tensor_run_dispose_cycles_leave_memory_flat()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        void Cycle()
        {
            var x = new float[Batch * 4];
            using var runOptions = new RunOptions();
            using var input = OrtValue.CreateTensor<float>(x, [Batch, 4]);
            using var outputs = session.Run(["X"], [input], ["Y"], runOptions);
            _ = outputs[0].Shape;
        }

        GrowthOver(Cycle).Should().BeLessThan(ToleranceBytes);
    }

    [Fact]
    public void Session_create_run_dispose_cycles_leave_memory_flat()
    {
        void Cycle()
        {
            using var options = new SessionOptions();
            options.SetIntraOpThreads(1);
            using var session = new InferenceSession(TestModels.MatMulAdd, options);
            using var input = OrtValue.CreateTensor<float>(new float[Batch * 4], [Batch, 4]);
            using var outputs = session.Run(["X"], [input]);
            _ = outputs[0].GetTensorData<float>()[0];
        }

        GrowthOver(Cycle).Should().BeLessThan(ToleranceBytes);
    }

    private static long GrowthOver(Action cycle)
    {
        for (var i = 0; i < 500; i++)
        {
            cycle();
        }

        var before = SettledResidentBytes();
        for (var i = 0; i < Cycles; i++)
        {
            cycle();
        }

        return SettledResidentBytes() - before;
    }

    private static long SettledResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
