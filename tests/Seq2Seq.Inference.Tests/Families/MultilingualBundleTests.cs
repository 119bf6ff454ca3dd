using System.Text.Json;
using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// The multilingual families on their contract bundles (random weights): tests/fixtures/tiny-nllb (M2M100 with NLLB's
/// conventions) and tests/fixtures/tiny-mbart (mBART-50's), and on the shipped bundle trained here
/// (models/m2m100-tatoeba-en-fr-hi). Their languages come from the tokenizer's special tokens, a source is written
/// with its language's token, and the graphs decode what the PyTorch model they were exported from decodes
/// (reference.json: models/training/tiny_multilingual.py, export_multilingual.py).
/// </summary>
[Collection(ModelCollection.Name)]
public class MultilingualBundleTests(LoadedModels models)
{
    public static TheoryData<string, string, string[]> Bundles => new()
    {
        { RepoPaths.TinyNllbBundle, "m2m100", ["eng_Latn", "fra_Latn", "hin_Deva"] },
        { RepoPaths.TinyMBartBundle, "mbart", ["en_XX", "fr_XX", "hi_IN"] },
        { RepoPaths.MultilingualBundle, "m2m100", ["eng_Latn", "fra_Latn", "hin_Deva"] },
    };

    /// <summary>The contract bundles carry their reference; the shipped one's stays out of the bundle, with the golden files.</summary>
    private static string ReferencePath(string bundle) => bundle == RepoPaths.MultilingualBundle
        ? RepoPaths.Golden(bundle, "reference.json")
        : Path.Combine(RepoPaths.Bundle(bundle), "reference.json");

    [Theory]
    [MemberData(nameof(Bundles))]
    public void The_bundle_serves_its_three_languages_with_its_own_pair_as_default(string bundle, string family, string[] tokens)
    {
        var model = models[bundle];

        model.Family.Name.Should().Be(family);
        model.Languages!.Codes.Should().Equal("en", "fr", "hi");
        (model.SourceLanguage, model.TargetLanguage).Should().Be(("en", "fr"));
        model.Tokenizer.Encode("x").Pieces[0].Should().Be(tokens[0]);
        model.DefaultSettings.ForcedBosTokenId.Should().Be(model.Languages.TargetTokenId("fr"));
        model.Tokenizer.IdToPiece(model.Languages.TargetTokenId("fr")).Should().Be(tokens[1]);
        model.DefaultSettings.DecoderStartTokenId.Should().Be(model.Config.EosTokenId);
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void A_source_is_written_with_its_language_token_first_and_eos_last(string bundle, string family, string[] tokens)
    {
        const string text = "Je ne sais pas. मैं घर जा रहा हूँ।";
        var model = models[bundle];
        var languages = model.Languages!;

        foreach (var (language, token) in new[] { "en", "fr", "hi" }.Zip(tokens))
        {
            var written = languages.SourceTokenizer(language).Encode(text);
            var plain = languages.SourceTokenizer("en").Encode(text);

            written.Pieces[0].Should().Be(token, family);
            written.Ids[^1].Should().Be(model.Config.EosTokenId);
            written.Ids[1..].Should().Equal(plain.Ids[1..], "only the language token differs");
            languages.TargetTokenId(language).Should().Be(written.Ids[0]);
        }
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Greedy_decoding_equals_the_pytorch_models_for_each_forced_target(string bundle, string family, string[] tokens)
    {
        var model = models[bundle];
        using var reference = JsonDocument.Parse(File.ReadAllText(ReferencePath(bundle)));
        var maxLength = reference.RootElement.GetProperty("max_length").GetInt32();
        var cases = reference.RootElement.GetProperty("cases").EnumerateArray().ToList();
        cases.Select(c => model.Tokenizer.IdToPiece(c.GetProperty("forced_bos_token_id").GetInt32())).Distinct()
            .Should().BeEquivalentTo(tokens[..2], family);

        foreach (var item in cases)
        {
            var settings = model.DefaultSettings with
            {
                ForcedBosTokenId = item.GetProperty("forced_bos_token_id").GetInt32(),
                NumBeams = 1,
                MaxNewTokens = maxLength - 1,
            };
            var source = item.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();

            var result = model.Generate([new GenerationRequest(source, settings)])[0];

            result.Sequences[0].TokenIds.Should().Equal(item.GetProperty("output_ids").EnumerateArray().Select(i => i.GetInt32()));
        }
    }
}
