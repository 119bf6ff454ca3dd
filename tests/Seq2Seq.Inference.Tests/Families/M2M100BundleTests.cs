using System.Text.Json;
using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// The M2M100 family on tests/fixtures/tiny-nllb (NLLB's conventions, random weights): its languages come from the
/// tokenizer's special tokens, a source is written with its language's token, and the graphs decode what the
/// PyTorch model they were exported from decodes (reference.json, models/training/tiny_m2m100.py).
/// </summary>
[Collection(ModelCollection.Name)]
public class M2M100BundleTests(LoadedModels models)
{
    private TranslationModel Model => models[RepoPaths.TinyNllbBundle];

    [Fact]
    public void The_bundle_is_an_m2m100_serving_its_three_languages_with_its_own_pair_as_default()
    {
        Model.Family.Should().BeSameAs(KnownFamilies.M2M100);
        Model.Languages!.Convention.Should().BeSameAs(LanguageTokens.Nllb);
        Model.Languages.Codes.Should().Equal("en", "fr", "hi");
        (Model.SourceLanguage, Model.TargetLanguage).Should().Be(("en", "fr"));
        Model.DefaultSettings.ForcedBosTokenId.Should().Be(Model.Languages.TargetTokenId("fr"));
        Model.DefaultSettings.DecoderStartTokenId.Should().Be(Model.Config.EosTokenId);
    }

    [Theory]
    [InlineData("en", "eng_Latn")]
    [InlineData("fr", "fra_Latn")]
    [InlineData("hi", "hin_Deva")]
    public void A_source_is_written_with_its_language_token_first_and_eos_last(string language, string token)
    {
        const string text = "Je ne sais pas. मैं घर जा रहा हूँ।";
        var languages = Model.Languages!;

        var written = languages.SourceTokenizer(language).Encode(text);
        var plain = languages.SourceTokenizer("en").Encode(text);

        written.Pieces[0].Should().Be(token);
        written.Ids[^1].Should().Be(Model.Config.EosTokenId);
        written.Ids[1..].Should().Equal(plain.Ids[1..], "only the language token differs");
        languages.TargetTokenId(language).Should().Be(written.Ids[0]);
    }

    [Fact]
    public void Greedy_decoding_equals_the_pytorch_models_for_each_forced_target()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Bundle(RepoPaths.TinyNllbBundle), "reference.json")));
        var maxLength = reference.RootElement.GetProperty("max_length").GetInt32();
        var cases = reference.RootElement.GetProperty("cases").EnumerateArray().ToList();
        cases.Select(c => c.GetProperty("forced_bos_token_id").GetInt32()).Distinct().Should().HaveCountGreaterThan(1);

        foreach (var item in cases)
        {
            var settings = Model.DefaultSettings with
            {
                ForcedBosTokenId = item.GetProperty("forced_bos_token_id").GetInt32(),
                NumBeams = 1,
                MaxNewTokens = maxLength - 1,
            };
            var source = item.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();

            var result = Model.Generate([new GenerationRequest(source, settings)])[0];

            result.Sequences[0].TokenIds.Should().Equal(item.GetProperty("output_ids").EnumerateArray().Select(i => i.GetInt32()));
        }
    }
}
