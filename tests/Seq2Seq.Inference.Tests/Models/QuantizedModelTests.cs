using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>The default bundle's int8 graphs against its float graphs.</summary>
[Collection(ModelCollection.Name)]
public class QuantizedModelTests(LoadedModels models)
{
    [Fact]
    public void Int8_logits_stay_close_to_fp32_along_the_fp32_greedy_output()
    {
        var fp32 = models[RepoPaths.DefaultBundle, ModelVariant.Fp32];
        var int8 = models[RepoPaths.DefaultBundle, ModelVariant.Quantized];
        int positions = 0, sameArgmax = 0;
        var maxDiff = 0f;
        foreach (var @case in GoldenFile.Read(RepoPaths.DefaultBundle, "greedy.json").Cases.Take(10))
        {
            using var a = fp32.Runner.Encode([@case.InputIds]);
            using var b = int8.Runner.Encode([@case.InputIds]);
            var token = fp32.DefaultSettings.DecoderStartTokenId;
            foreach (var next in @case.OutputIds)
            {
                var expected = a.Step([token]).ToArray();
                var actual = b.Step([token]);
                for (var v = 0; v < expected.Length; v++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(expected[v] - actual[v]));
                }

                positions++;
                sameArgmax += ArgMax(expected) == ArgMax(actual) ? 1 : 0;
                token = next;
            }
        }

        maxDiff.Should().BeGreaterThan(0f, "the int8 graphs compute with rounded weights");
        maxDiff.Should().BeLessThan(0.5f);
        ((double)sameArgmax / positions).Should().BeGreaterThan(0.95);
    }

    [Fact]
    public void The_int8_variant_reads_the_quantized_files()
    {
        var model = models[RepoPaths.DefaultBundle, ModelVariant.Quantized];

        model.Variant.Should().Be(ModelVariant.Quantized);
        model.Files.Encoder.Should().EndWith("encoder_model_quantized.onnx");
        model.Files.MergedDecoder.Should().EndWith("decoder_model_merged_quantized.onnx");
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
