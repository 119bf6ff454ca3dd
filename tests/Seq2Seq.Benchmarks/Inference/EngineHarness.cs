using System.Diagnostics;
using System.Globalization;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// Timed console harness for the generation engine (BenchmarkDotNet cannot split one operation's time
/// into ONNX Runtime, tensor preparation and managed loop). For each strategy and batch size it runs whole
/// batches for a fixed time after a warm-up batch and prints sentences/s, generated tokens/s, the time
/// split, managed bytes allocated per generated token, and generated tokens per second of process CPU time:
/// on a shared machine wall time mostly measures waiting for a core, CPU time (best with --threads 1) much less.
/// For greedy rows also the useful GFLOP/s (<see cref="UsefulFlops"/>) and its ratio to a float32 GEMM of the
/// model's shapes measured just before the row with the same threads (<see cref="GemmReference"/>; --gemm-seconds,
/// default 1, 0 leaves it out).
/// Usage: engine [--bundle DIR] [--variant fp32|quantized] [--batches 1,8,32,64] [--modes greedy,beam4] [--seconds S] [--threads N]
/// (a mode is greedy, beamN, or toppP: sampling with top_p = P and no top_k, seed 1)
/// [--draft N] (the bundle's int8 graphs guess N tokens ahead for lone greedy requests; 0, the default, turns that off)
/// [--alongside] (the draft goes on guessing on a second thread while the model checks its guesses)
/// </summary>
internal static class EngineHarness
{
    public static void Run(string[] args)
    {
        var root = RepoRoot();
        var bundle = Option(args, "--bundle") ?? Path.Combine(root, "models", "marian-tatoeba-en-fr");
        var batches = (Option(args, "--batches") ?? "1,8,32,64").Split(',').Select(int.Parse).ToArray();
        var modes = (Option(args, "--modes") ?? "greedy,beam4").Split(',');
        var seconds = double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var threads = int.Parse(Option(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var sentences = File.ReadAllLines(Path.Combine(root, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"));

        var draft = int.Parse(Option(args, "--draft") ?? "0", CultureInfo.InvariantCulture);
        using var model = TranslationModel.Load(bundle, new RunnerOptions { IntraOpThreads = threads }, VariantHarness.Variant(args, "--variant"),
            draft > 0 ? DraftUse.Required : DraftUse.None, Math.Max(draft, 1));
        var sources = sentences.Select(model.EncodeSource).ToArray();
        var flops = UsefulFlops.Read(bundle);
        var gemmSeconds = double.Parse(Option(args, "--gemm-seconds") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine($"bundle {model.Name} ({model.Variant}{(draft > 0 ? $", int8 draft guessing {draft}" : "")}), {Environment.ProcessorCount} cores, intra-op threads {(threads == 0 ? "default" : threads)}, {seconds} s per row, load average {LoadAverage()}");
        if (flops is not null && gemmSeconds > 0)
        {
            Console.WriteLine($"{flops}; GEMM reference: float32 {GemmReference.Describe(GemmRows, flops.DModel, flops.DecoderFfn, flops.Vocabulary)} through ONNX Runtime, same threads, {gemmSeconds} s before each row");
        }

        Console.WriteLine("| strategy | batch | sentences/s | generated tokens/s | ORT Run | tensor prep | managed loop | managed bytes / token | tokens / CPU-s | tokens / call | useful GFLOP/s | GEMM GFLOP/s | useful / GEMM |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var mode in modes)
        {
            var settings = model.Settings(Options(mode));
            var counted = mode == "greedy" ? flops : null;
            foreach (var batch in batches)
            {
                var gemm = counted is null || gemmSeconds <= 0 ? 0
                    : GemmReference.Measure(GemmRows, counted.DModel, counted.DecoderFfn, counted.Vocabulary, threads, gemmSeconds);
                var totals = Measure(model, sources, settings, batch, seconds, args.Contains("--alongside"), counted);
                Console.WriteLine(totals.Row(mode, batch, gemm));
            }
        }
    }

    internal static GenerationOptions Options(string mode) =>
        mode.StartsWith("topp", StringComparison.Ordinal)
            ? new GenerationOptions { DoSample = true, TopK = 0, TopP = float.Parse(mode["topp".Length..], CultureInfo.InvariantCulture), Seed = 1 }
            : new GenerationOptions { NumBeams = mode == "greedy" ? 1 : int.Parse(mode["beam".Length..], CultureInfo.InvariantCulture) };

    /// <summary>Rows of the reference GEMM: the largest batch the benchmarks run.</summary>
    private const int GemmRows = 64;

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static Totals Measure(TranslationModel model, int[][] sources, GenerationSettings settings, int batch, double seconds, bool alongside,
        UsefulFlops? flops)
    {
        var next = 0;
        GenerationRequest[] Batch() => [.. Enumerable.Range(0, batch).Select(_ => new GenerationRequest(sources[next++ % sources.Length], settings))];

        RunBatch(model, Batch(), new Totals(), alongside, flops);
        var totals = new Totals();
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline || totals.Batches < 2)
        {
            RunBatch(model, Batch(), totals, alongside, flops);
        }

        return totals;
    }

    private static void RunBatch(TranslationModel model, GenerationRequest[] requests, Totals totals, bool alongside, UsefulFlops? flops)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        using var cohort = model.Start(requests);
        cohort.DraftAlongside = alongside;
        while (!cohort.IsCompleted)
        {
            cohort.Step();
        }

        totals.Wall += Stopwatch.GetElapsedTime(started);
        totals.Cpu += Process.GetCurrentProcess().TotalProcessorTime - cpu;
        totals.Allocated += GC.GetTotalAllocatedBytes(precise: false) - allocated;
        totals.Run += cohort.RunnerTimings.Run;
        totals.Prepare += cohort.RunnerTimings.Prepare;
        totals.Sentences += requests.Length;
        for (var i = 0; i < requests.Length; i++)
        {
            totals.Tokens += cohort.Result(i)!.OutputTokens;
            totals.Calls += cohort.Result(i)!.DecoderSteps;
            totals.Flops += flops?.Sequence(cohort.Result(i)!.InputTokens, cohort.Result(i)!.DecoderSteps) ?? 0;
        }

        totals.Batches++;
    }

    private sealed class Totals
    {
        public TimeSpan Wall;
        public TimeSpan Run;
        public TimeSpan Prepare;
        public TimeSpan Cpu;
        public long Allocated;
        public long Sentences;
        public long Tokens;
        public long Calls;
        public double Flops;
        public int Batches;

        public string Row(string mode, int batch, double gemm)
        {
            var wall = Wall.TotalSeconds;
            string Share(TimeSpan t) => (t.TotalSeconds / wall).ToString("P1", CultureInfo.InvariantCulture);
            var useful = Flops / wall / 1e9;
            var work = Flops > 0 ? FormattableString.Invariant($"{useful:F1} |") : "— |";
            work += gemm > 0 ? FormattableString.Invariant($" {gemm:F1} | {useful / gemm:P0} |") : " — | — |";
            return string.Create(CultureInfo.InvariantCulture,
                $"| {mode} | {batch} | {Sentences / wall:F1} | {Tokens / wall:F0} | {Share(Run)} | {Share(Prepare)} | {Share(Wall - Run - Prepare)} | {Allocated / (double)Tokens:F0} | {Tokens / Cpu.TotalSeconds:F0} | {Tokens / (double)Calls:F2} | {work}");
        }
    }

    internal static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    internal static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Seq2SeqService.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (no Seq2SeqService.sln above the current folder).");
    }
}
