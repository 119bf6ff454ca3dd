using System.Globalization;
using System.Runtime.InteropServices;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// The managed share of a decoder step by this thread's CPU clock, which a loaded machine's waiting does not reach
/// (the engine harness's wall-clock split does): batches decode through a runner that clocks its own calls (ONNX
/// Runtime with one intra-op thread, which runs on the calling thread, and the tensor preparation around it); the rest
/// of the cohort's CPU time is managed (logits processors, log-softmax, selection, bookkeeping).
/// Usage: stepcost [--bundle DIR] [--modes greedy,beam4,topp0.9] [--batches 1,4] [--batches-per-row N]
/// </summary>
internal static class StepCostHarness
{
    public static void Run(string[] args)
    {
        var root = EngineHarness.RepoRoot();
        var bundle = EngineHarness.Option(args, "--bundle") ?? Path.Combine(root, "models", "marian-tatoeba-en-fr");
        var modes = (EngineHarness.Option(args, "--modes") ?? "greedy,beam4").Split(',');
        var batches = (EngineHarness.Option(args, "--batches") ?? "1,4").Split(',').Select(int.Parse).ToArray();
        var repeats = int.Parse(EngineHarness.Option(args, "--batches-per-row") ?? "6", CultureInfo.InvariantCulture);
        var sentences = File.ReadAllLines(Path.Combine(root, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"));
        using var model = TranslationModel.Load(bundle, new RunnerOptions { IntraOpThreads = 1 }, ModelVariant.Fp32, DraftUse.None);
        var sources = sentences.Select(model.EncodeSource).ToArray();
        var runner = new ClockedRunner(model.Runner);
        Console.WriteLine($"bundle {model.Name}, vocabulary {model.Runner.VocabSize}, {repeats} batches per row after one warm-up, thread CPU time");
        Console.WriteLine("| strategy | batch | decoder calls | runner ms / call | managed ms / call | managed share |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var mode in modes)
        {
            var settings = model.Settings(EngineHarness.Options(mode));
            foreach (var batch in batches)
            {
                var next = 0;
                long total = 0, calls = 0;
                runner.Ticks = 0;
                for (var r = 0; r <= repeats; r++)
                {
                    if (r == 1)
                    {
                        (total, calls, runner.Ticks) = (0, 0, 0);
                    }

                    var started = ClockedRunner.ThreadCpuTicks();
                    using var cohort = GenerationCohort.Start(runner, [.. Enumerable.Range(0, batch)
                        .Select(_ => new GenerationRequest(sources[next++ % sources.Length], settings))]);
                    while (!cohort.IsCompleted)
                    {
                        cohort.Step();
                    }

                    total += ClockedRunner.ThreadCpuTicks() - started;
                    calls += cohort.Steps;
                }

                var managed = total - runner.Ticks;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {mode} | {batch} | {calls} | {runner.Ticks / 1e6 / calls:F3} | {managed / 1e6 / calls:F3} | {(double)managed / total:P1} |"));
            }
        }
    }

    /// <summary>
    /// One row's greedy work alone, by thread CPU time per row (median of 7 runs of R rows each): log-softmax written
    /// and then searched for its arg-max, as greedy search did before #26, against the shift and one scan it does now.
    /// Usage: rowcost [--vocab N] [--reps R]
    /// </summary>
    public static void RowCost(string[] args)
    {
        var vocab = int.Parse(EngineHarness.Option(args, "--vocab") ?? "256206", CultureInfo.InvariantCulture);
        var reps = int.Parse(EngineHarness.Option(args, "--reps") ?? "200", CultureInfo.InvariantCulture);
        var random = new Random(26);
        var row = Enumerable.Range(0, vocab).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        var work = new float[vocab];
        long Time(Action<float[]> greedy)
        {
            var runs = new long[7];
            for (var r = 0; r < runs.Length; r++)
            {
                long spent = 0;
                for (var i = 0; i < reps; i++)
                {
                    row.CopyTo(work, 0);
                    var started = ClockedRunner.ThreadCpuTicks();
                    greedy(work);
                    spent += ClockedRunner.ThreadCpuTicks() - started;
                }

                runs[r] = spent / reps;
            }

            Array.Sort(runs);
            return runs[runs.Length / 2];
        }

        for (var round = 0; round < 3; round++)
        {
            var written = Time(w =>
            {
                LogSoftmax.InPlace(w);
                LogSoftmax.ArgMax(w);
            });
            var shifted = Time(w => LogSoftmax.ArgMaxOfLogSoftmax(w, out _));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"vocabulary {vocab}: log-softmax written, then arg-max {written / 1e3:F1} µs / row; shift and scan {shifted / 1e3:F1} µs / row"));
        }
    }

    /// <summary>A runner whose calls, and those of its decoder states, add their thread CPU time (ns) to <see cref="Ticks"/>.</summary>
    private sealed class ClockedRunner(IModelRunner inner) : IModelRunner
    {
        public long Ticks;

        public int VocabSize => inner.VocabSize;

        public bool SupportsJoins => inner.SupportsJoins;

        public IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources) => new State(this, Clock(() => inner.Encode(sources)));

        public void Dispose() => inner.Dispose();

        private T Clock<T>(Func<T> call)
        {
            var started = ThreadCpuTicks();
            try
            {
                return call();
            }
            finally
            {
                Ticks += ThreadCpuTicks() - started;
            }
        }

        internal static long ThreadCpuTicks() => ClockGettime(ThreadCpuClock, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds
            : throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");

        private const int ThreadCpuClock = 3;

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGettime(int clock, out TimeSpec time);

        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        private sealed class State(ClockedRunner owner, IDecoderState inner) : IDecoderState
        {
            public int Rows => inner.Rows;

            public int PastLength => inner.PastLength;

            public RunnerTimings Timings => inner.Timings;

            public IDecoderState Inner => inner;

            public Span<float> Step(ReadOnlySpan<int> tokens)
            {
                var started = ThreadCpuTicks();
                var logits = inner.Step(tokens);
                owner.Ticks += ThreadCpuTicks() - started;
                return logits;
            }

            public void Reorder(ReadOnlySpan<int> parents)
            {
                var started = ThreadCpuTicks();
                inner.Reorder(parents);
                owner.Ticks += ThreadCpuTicks() - started;
            }

            public void Append(IDecoderState other)
            {
                var started = ThreadCpuTicks();
                inner.Append(((State)other).Inner);
                owner.Ticks += ThreadCpuTicks() - started;
            }

            public void Dispose() => inner.Dispose();
        }
    }
}
