using System.Globalization;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using static Seq2Seq.Benchmarks.Inference.EngineHarness;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// The two figures a service benchmark needs to turn requests/s into useful GFLOP/s (peer/run.sh): the mean useful
/// MFLOP of one request (one line of the sentences file, greedy, translated by the engine; <see cref="UsefulFlops"/>)
/// and the GEMM reference of the machine (<see cref="GemmReference"/>, one lane per core with one intra-op thread each,
/// as the service runs by default).
/// Usage: flops [--bundle DIR] [--variant fp32|quantized] [--sentences FILE] [--lanes N] [--threads T] [--seconds S]
/// Prints <c>mflop_per_request X</c> and <c>gemm_gflops Y</c> lines.
/// </summary>
internal static class FlopsHarness
{
    public static void Run(string[] args)
    {
        var root = RepoRoot();
        var bundle = Option(args, "--bundle") ?? Path.Combine(root, "models", "marian-tatoeba-en-fr");
        var sentences = File.ReadAllLines(Option(args, "--sentences") ?? Path.Combine(root, "tests", "Seq2Seq.Inference.Tests", "Data", "sentences.en.txt"))
            .Where(line => line.Length > 0).ToArray();
        var lanes = int.Parse(Option(args, "--lanes") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var threads = int.Parse(Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Option(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        var flops = UsefulFlops.Read(bundle) ?? throw new ArgumentException($"{bundle}/config.json has no BART-style dimensions.");
        using var model = TranslationModel.Load(bundle, variant: VariantHarness.Variant(args, "--variant"));
        var settings = model.Settings(new GenerationOptions { NumBeams = 1 });
        double total = 0;
        foreach (var chunk in sentences.Chunk(32))
        {
            var results = model.Generate([.. chunk.Select(text => new GenerationRequest(model.EncodeSource(text), settings))]);
            total += results.Sum(r => flops.Sequence(r.InputTokens, r.DecoderSteps));
        }

        var gemm = GemmReference.Measure(64, flops.DModel, flops.DecoderFfn, flops.Vocabulary, threads, seconds, lanes);
        Console.WriteLine($"# {flops}; GEMM {GemmReference.Describe(64, flops.DModel, flops.DecoderFfn, flops.Vocabulary)}, {lanes} lane(s) x {threads} thread(s), load average {LoadAverage()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mflop_per_request {total / sentences.Length / 1e6:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_gflops {gemm:F1}"));
    }
}
