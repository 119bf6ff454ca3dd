namespace Seq2Seq.OnnxRuntime.Tests;

public class ConcurrencyTests
{
    [Fact]
    public void Eight_threads_running_one_session_each_get_their_own_correct_results()
    {
        const int threads = 8;
        const int runsPerThread = 300;
        using var session = new InferenceSession(TestModels.MatMulAdd);
        using var start = new Barrier(threads);
        var failures = new List<string>();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var run = 0; run < runsPerThread; run++)
            {
                var batch = 1 + (t + run) % 5;
                var x = Enumerable.Range(0, batch * 4).Select(i => t * 100f + run + i * 0.5f).ToArray();
                using var input = OrtValue.CreateTensor<float>(x, [batch, 4]);
                using var outputs = session.Run(["X"], [input], ["Y"]);
                var expected = TestModels.ExpectedMatMulAdd(x, batch);
                var actual = outputs[0].GetTensorData<float>();
                for (var i = 0; i < expected.Length; i++)
                {
                    if (Math.Abs(actual[i] - expected[i]) > 1e-3f * Math.Max(1, Math.Abs(expected[i])))
                    {
                        lock (failures)
                        {
                            failures.Add($"thread {t} run {run} element {i}: {actual[i]} != {expected[i]}");
                        }

                        return;
                    }
                }
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        failures.Should().BeEmpty();
    }
}
