using System.Globalization;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using static Seq2Seq.Benchmarks.Inference.EngineHarness;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// Compares a bundle's variants (e.g. fp32 and int8) through the engine itself, for models/training's
/// quality checks (docs/quantization.md).
/// <c>translate --bundle DIR [--variant V] --sources FILE --out FILE [--beams N] [--batch B]</c> writes one
/// translation per source line (batches of B, default 32; greedy unless N &gt; 1).
/// <c>logits --bundle DIR [--variant V] [--against DIR] --against-variant V2 --sources FILE [--limit N]</c>
/// teacher-forces the first model's greedy output for the first N sources (default 200) through both and
/// prints the logits' differences. Variants: fp32 (default), quantized.
/// </summary>
internal static class VariantHarness
{
    public static void Run(string command, string[] args)
    {
        var bundle = Option(args, "--bundle") ?? throw new ArgumentException("--bundle is required.");
        var sources = File.ReadAllLines(Option(args, "--sources") ?? throw new ArgumentException("--sources is required."));
        using var model = TranslationModel.Load(bundle, variant: Variant(args, "--variant"));
        if (command == "translate")
        {
            Translate(model, sources, args);
        }
        else
        {
            using var other = TranslationModel.Load(Option(args, "--against") ?? bundle, variant: Variant(args, "--against-variant"));
            var limit = int.Parse(Option(args, "--limit") ?? "200", CultureInfo.InvariantCulture);
            CompareLogits(model, other, sources.Take(limit).ToArray());
        }
    }

    internal static ModelVariant Variant(string[] args, string name) =>
        Enum.Parse<ModelVariant>(Option(args, name) ?? nameof(ModelVariant.Fp32), ignoreCase: true);

    private static void Translate(TranslationModel model, string[] sources, string[] args)
    {
        var beams = int.Parse(Option(args, "--beams") ?? "1", CultureInfo.InvariantCulture);
        var batch = int.Parse(Option(args, "--batch") ?? "32", CultureInfo.InvariantCulture);
        var options = new GenerationOptions { NumBeams = beams };
        var output = new List<string>(sources.Length);
        foreach (var chunk in sources.Chunk(batch))
        {
            output.AddRange(model.Translate(chunk, options));
        }

        File.WriteAllLines(Option(args, "--out") ?? throw new ArgumentException("--out is required."), output);
    }

    private static void CompareLogits(TranslationModel reference, TranslationModel other, string[] sources)
    {
        var greedy = reference.Settings(new GenerationOptions { NumBeams = 1 });
        double sum = 0, max = 0;
        long values = 0, positions = 0, sameArgmax = 0;
        foreach (var text in sources)
        {
            var ids = reference.EncodeSource(text);
            var output = reference.Generate([new GenerationRequest(ids, greedy)])[0].Sequences[0].TokenIds;
            using var a = reference.Runner.Encode([ids]);
            using var b = other.Runner.Encode([ids]);
            var token = greedy.DecoderStartTokenId;
            foreach (var next in output)
            {
                var la = a.Step([token]).ToArray();
                var lb = b.Step([token]);
                for (var v = 0; v < la.Length; v++)
                {
                    var d = Math.Abs(la[v] - lb[v]);
                    sum += d;
                    max = Math.Max(max, d);
                }

                values += la.Length;
                positions++;
                sameArgmax += ArgMax(la) == ArgMax(lb) ? 1 : 0;
                token = next;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sources.Length} sources, {positions} positions: logits max abs diff {max:G4}, mean abs diff {sum / values:G4}, same argmax {100.0 * sameArgmax / positions:F2} %"));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
