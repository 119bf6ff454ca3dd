namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>
/// Thread settings show up as the threads ONNX Runtime starts for a session's pools. On Linux a new thread
/// inherits its creator's name, so creating the session on a uniquely named thread lets the test count exactly
/// the pool threads, whatever else the process starts meanwhile.
/// </summary>
public class ThreadPoolTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    public void Intra_op_threads_start_that_many_pool_threads_besides_the_caller(int intraOpThreads, int expectedPoolThreads)
    {
        using var options = new SessionOptions();
        options.SetIntraOpThreads(intraOpThreads);

        PoolThreadsStartedBy(options).Should().Be(expectedPoolThreads);
    }

    [Fact]
    public void Parallel_execution_starts_an_inter_op_pool_sized_by_inter_op_threads()
    {
        using var options = new SessionOptions();
        options.SetIntraOpThreads(1);
        options.SetExecutionMode(ExecutionMode.Parallel);
        options.SetInterOpThreads(3);

        PoolThreadsStartedBy(options).Should().Be(2);
    }

    private static int PoolThreadsStartedBy(SessionOptions options)
    {
        // Creating the environment may start threads of its own; do it before counting.
        _ = OrtEnvironment.Instance;

        // Linux keeps 15 characters of a thread name.
        var name = $"ort{Guid.NewGuid():N}"[..15];
        var count = -1;
        var creator = new Thread(() =>
        {
            using var session = new InferenceSession(TestModels.MatMulAdd, options);
            count = ThreadsNamed(name) - 1;
        })
        { Name = name };
        creator.Start();
        creator.Join();
        return count;
    }

    private static int ThreadsNamed(string name) =>
        Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == name;
            }
            catch (IOException)
            {
                return false;
            }
        });
}
