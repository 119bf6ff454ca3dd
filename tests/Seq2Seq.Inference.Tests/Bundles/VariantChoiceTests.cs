using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Bundles;

/// <summary>What <c>Variant = auto</c> serves: the int8 graphs only when ort_config.json says their scales are static.</summary>
public sealed class VariantChoiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("variant-choice").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(null, ModelVariant.Fp32)]
    [InlineData("{}", ModelVariant.Fp32)]
    [InlineData("""{"quantization": {"is_static": false, "format": "QOperator"}}""", ModelVariant.Fp32)]
    [InlineData("""{"quantization": {"is_static": true}}""", ModelVariant.Quantized)]
    public void Static_activation_scales_choose_the_int8_graphs(string? ortConfig, ModelVariant expected)
    {
        if (ortConfig is not null)
        {
            File.WriteAllText(Path.Combine(_folder, VariantChoice.OrtConfigFile), ortConfig);
        }

        VariantChoice.Preferred(_folder).Should().Be(expected);
    }

    [Fact]
    public void A_malformed_flag_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, VariantChoice.OrtConfigFile), """{"quantization": {"is_static": "yes"}}""");

        var act = () => VariantChoice.Preferred(_folder);

        act.Should().Throw<ModelBundleException>().WithMessage("*quantization.is_static*");
    }

    [Fact]
    public void The_default_bundle_prefers_its_int8_graphs() =>
        VariantChoice.Preferred(RepoPaths.Bundle(RepoPaths.DefaultBundle)).Should().Be(ModelVariant.Quantized);
}
