using System.Globalization;
using System.Text.Json;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// Where ONNX Runtime spends a decode's time, per operator type: runs greedy batches of each size with ONNX Runtime's
/// profiler on (one intra-op thread, as the service runs), then sums the profile's kernel times by operator and graph.
/// Each session also writes its optimized graph beside its profile, for tests/Seq2Seq.Benchmarks/profile/op_counts.py.
/// Usage: profile [--bundle DIR] [--variants fp32,quantized] [--batches 1,8,32,64] [--cohorts N] [--out DIR] [--top K]
/// </summary>
internal static class ProfileHarness
{
    public static void Run(string[] args)
    {
        var root = EngineHarness.RepoRoot();
        var bundle = EngineHarness.Option(args, "--bundle") ?? Path.Combine(root, "models", "marian-tatoeba-en-fr");
        var variants = (EngineHarness.Option(args, "--variants") ?? "fp32,quantized").Split(',');
        var batches = (EngineHarness.Option(args, "--batches") ?? "1,8,32,64").Split(',').Select(int.Parse).ToArray();
        var cohorts = int.Parse(EngineHarness.Option(args, "--cohorts") ?? "8", CultureInfo.InvariantCulture);
        var top = int.Parse(EngineHarness.Option(args, "--top") ?? "6", CultureInfo.InvariantCulture);
        var output = EngineHarness.Option(args, "--out") ?? Directory.CreateTempSubdirectory("seq2seq-profile-").FullName;
        Directory.CreateDirectory(output);
        var sentences = File.ReadAllLines(Path.Combine(root, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"));

        Console.WriteLine($"profiles and optimized graphs in {output}; greedy, {cohorts} batches per size, 1 intra-op thread");
        Console.WriteLine("| variant | batch | graph | runs | ms / run | in kernels | top operators (share of run time) |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---|");
        foreach (var variant in variants)
        {
            foreach (var batch in batches)
            {
                var prefix = Path.Combine(output, $"{variant}-b{batch}-");
                Profile(bundle, variant, batch, cohorts, sentences, prefix);
                foreach (var file in Directory.GetFiles(output, $"{variant}-b{batch}-*.json").Order())
                {
                    var graph = Path.GetFileName(file)[$"{variant}-b{batch}-".Length..].Split("_20")[0];
                    Console.WriteLine(Summarize(file, top).Row(variant, batch, graph));
                }
            }
        }
    }

    private static void Profile(string bundle, string variant, int batch, int cohorts, string[] sentences, string prefix)
    {
        using var model = TranslationModel.Load(bundle, new RunnerOptions { IntraOpThreads = 1, ProfilePrefix = prefix },
            variant == "quantized" ? ModelVariant.Quantized : ModelVariant.Fp32, DraftUse.None);
        var settings = model.Settings(new GenerationOptions { NumBeams = 1 });
        var next = 0;
        for (var c = 0; c < cohorts; c++)
        {
            using var cohort = model.Start([.. Enumerable.Range(0, batch)
                .Select(_ => new GenerationRequest(model.EncodeSource(sentences[next++ % sentences.Length]), settings))]);
            while (!cohort.IsCompleted)
            {
                cohort.Step();
            }
        }
    }

    /// <summary>
    /// Sums a Chrome-trace profile: "model_run" events are whole runs; "Node" events are kernels, named by their
    /// op_name. An If node's time contains its branch's kernels: it is listed, but left out of the kernel sum.
    /// </summary>
    private static Summary Summarize(string file, int top)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var summary = new Summary();
        foreach (var e in json.RootElement.EnumerateArray())
        {
            var category = e.GetProperty("cat").GetString();
            var micros = e.TryGetProperty("dur", out var dur) ? dur.GetDouble() : 0;
            if (category == "Session" && e.GetProperty("name").GetString() == "model_run")
            {
                summary.Runs++;
                summary.RunMicros += micros;
            }
            else if (category == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)
                && e.GetProperty("args").GetProperty("op_name").GetString() is { } op)
            {
                summary.ByOperator[op] = summary.ByOperator.GetValueOrDefault(op) + micros;
            }
        }

        summary.Top = top;
        return summary;
    }

    private sealed class Summary
    {
        public int Runs;
        public double RunMicros;
        public int Top;
        public Dictionary<string, double> ByOperator { get; } = [];

        public string Row(string variant, int batch, string graph)
        {
            string Share(double micros) => (micros / RunMicros).ToString("P0", CultureInfo.InvariantCulture);
            var operators = string.Join(", ", ByOperator.OrderByDescending(p => p.Value).Take(Top).Select(p => $"{(p.Key == "If" ? "If (with its branch)" : p.Key)} {Share(p.Value)}"));
            return string.Create(CultureInfo.InvariantCulture,
                $"| {variant} | {batch} | {graph} | {Runs} | {RunMicros / 1000 / Math.Max(1, Runs):F2} | {Share(ByOperator.Where(p => p.Key != "If").Sum(p => p.Value))} | {operators} |");
        }
    }
}
