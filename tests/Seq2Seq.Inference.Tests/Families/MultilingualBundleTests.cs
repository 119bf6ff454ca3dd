using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// The multilingual families on their contract bundles (random weights): tests/fixtures/tiny-nllb (M2M100 with NLLB's
/// conventions), tiny-m2m100 (M2M100's own __en__), tiny-mbart (mBART-50's) and tiny-mbart-cc25 (the first mBART's),
/// and the shipped bundle trained here (models/m2m100-tatoeba-en-fr-hi). Their languages come from the tokenizer's
/// special tokens, a source is written with its language's token, and the graphs decode what the PyTorch model they
/// were exported from decodes (reference.json: models/training/tiny_multilingual.py, export_multilingual.py).
/// </summary>
[Collection(ModelCollection.Name)]
public class MultilingualBundleTests(LoadedModels models)
{
    public static TheoryData<string, string, string[]> Bundles => new()
    {
        { RepoPaths.TinyNllbBundle, "m2m100", ["eng_Latn", "fra_Latn", "hin_Deva"] },
        { RepoPaths.TinyM2M100Bundle, "m2m100", ["__en__", "__fr__", "__hi__"] },
        { RepoPaths.TinyMBartBundle, "mbart", ["en_XX", "fr_XX", "hi_IN"] },
        { RepoPaths.MultilingualBundle, "m2m100", ["eng_Latn", "fra_Latn", "hin_Deva"] },
    };

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

        var forced = PyTorchReference.GreedyShouldEqual(model, bundle);

        forced.Distinct().Select(model.Tokenizer.IdToPiece).Should().BeEquivalentTo(tokens[..2], family);
    }

    /// <summary>
    /// Rows of five pairs in one batch (each row its own source language token and forced target token, as the
    /// scheduler puts rows of every pair of a bundle into its batches) decode as each does alone.
    /// </summary>
    [Theory]
    [InlineData(RepoPaths.TinyNllbBundle, 1)]
    [InlineData(RepoPaths.TinyNllbBundle, 4)]
    [InlineData(RepoPaths.MultilingualBundle, 1)]
    [InlineData(RepoPaths.MultilingualBundle, 4)]
    public void Rows_of_different_pairs_in_one_batch_decode_as_alone(string bundle, int beams)
    {
        var model = models[bundle];
        var languages = model.Languages!;
        (string Source, string Target)[] pairs = [("en", "fr"), ("fr", "en"), ("en", "hi"), ("hi", "en"), ("fr", "hi")];
        var sentences = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "sentences.en.txt")).Take(25).ToList();
        var settings = model.Settings(new GenerationOptions { NumBeams = beams, MaxNewTokens = 32 });
        var requests = sentences.Select((sentence, i) => new GenerationRequest(
            languages.SourceTokenizer(pairs[i % pairs.Length].Source).Encode(sentence).Ids,
            languages.ForTarget(settings, pairs[i % pairs.Length].Target))).ToList();

        var together = model.Generate(requests);

        for (var i = 0; i < requests.Count; i++)
        {
            var alone = model.Generate([requests[i]])[0].Sequences[0].TokenIds;
            var batched = together[i].Sequences[0].TokenIds;
            if (!batched.SequenceEqual(alone))
            {
                var margin = beams == 1
                    ? NearTie.Margin(model.Runner, requests[i].Settings, requests[i].SourceIds.ToArray(), alone, batched)
                    : Math.Abs(model.Generate([requests[i]])[0].Sequences[0].Score - together[i].Sequences[0].Score);
                margin.Should().BeLessThan(NearTie.Tolerance, $"{pairs[i % pairs.Length]} \"{sentences[i]}\"");
            }

            if (!languages.TargetStartsDecoder && batched.Length > 0)
            {
                batched[0].Should().Be(languages.TargetTokenId(pairs[i % pairs.Length].Target), "each row keeps its own target");
            }
        }
    }

    [Fact]
    public void The_first_mbart_writes_the_language_after_the_text_and_starts_the_decoder_from_the_target()
    {
        const string text = "Je ne sais pas.";
        var model = models[RepoPaths.TinyMBartCc25Bundle];
        var languages = model.Languages!;

        model.Family.Name.Should().Be("mbart");
        languages.TargetStartsDecoder.Should().BeTrue();
        languages.Codes.Should().Equal("en", "fr", "hi");
        foreach (var (language, token) in new[] { "en", "fr", "hi" }.Zip(["en_XX", "fr_XX", "hi_IN"]))
        {
            var written = languages.SourceTokenizer(language).Encode(text);

            written.Pieces[^2..].Should().Equal("</s>", token);
            written.Ids[..^1].Should().Equal(languages.SourceTokenizer("en").Encode(text).Ids[..^1], "only the language token differs");
            var settings = languages.ForTarget(model.DefaultSettings, language);
            settings.DecoderStartTokenId.Should().Be(written.Ids[^1]);
            settings.ForcedBosTokenId.Should().BeNull();
        }

        model.DefaultSettings.DecoderStartTokenId.Should().Be(languages.TargetTokenId("fr"), "tokenizer_config.json's tgt_lang");
        model.DefaultSettings.ForcedBosTokenId.Should().BeNull();
    }

    [Fact]
    public void The_first_mbart_decodes_as_the_pytorch_model_from_each_targets_token()
    {
        var model = models[RepoPaths.TinyMBartCc25Bundle];

        var starts = PyTorchReference.GreedyShouldEqual(model, RepoPaths.TinyMBartCc25Bundle);

        starts.Distinct().Select(model.Tokenizer.IdToPiece).Should().BeEquivalentTo("en_XX", "fr_XX");
    }
}
