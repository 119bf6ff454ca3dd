using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Tests.Models;

namespace Seq2Seq.Inference.Tests.Families;

/// <summary>
/// BART on its contract bundle (tests/fixtures/tiny-bart, random weights, models/training/tiny_bart.py): the family,
/// its generation conventions, the tokenizer read from vocab.json + merges.txt where tokenizer.json is absent, and the
/// graphs decoding what the PyTorch model they were exported from decodes.
/// </summary>
[Collection(ModelCollection.Name)]
public class BartBundleTests(LoadedModels models)
{
    [Fact]
    public void The_bundle_is_bart_starting_from_eos_with_bos_forced()
    {
        var model = models[RepoPaths.TinyBartBundle];

        model.Family.Name.Should().Be("bart");
        model.Languages.Should().BeNull();
        model.DefaultSettings.DecoderStartTokenId.Should().Be(2);
        model.DefaultSettings.ForcedBosTokenId.Should().Be(0);
        model.DefaultSettings.ForcedEosTokenId.Should().Be(2);
        var pieces = model.Tokenizer.Encode("Hello world").Pieces;
        (pieces[0], pieces[^1]).Should().Be(("<s>", "</s>"));
        string.Concat(pieces[1..^1]).Should().Be("HelloĠworld", "byte-level pieces spell a space as Ġ");
    }

    [Fact]
    public void Greedy_decoding_equals_the_pytorch_models()
    {
        var model = models[RepoPaths.TinyBartBundle];

        var forced = PyTorchReference.GreedyShouldEqual(model, RepoPaths.TinyBartBundle);

        forced.Should().OnlyContain(id => id == 0);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 1)]
    [InlineData(5, 4)]
    public void An_output_cut_by_the_length_limit_ends_with_the_forced_eos(int maxNewTokens, int beams)
    {
        var model = models[RepoPaths.TinyBartBundle];
        var source = model.Tokenizer.Encode("The cat is sleeping on the sofa.").Ids;
        var settings = model.DefaultSettings with { MaxNewTokens = maxNewTokens, NumBeams = beams, NumReturnSequences = 1 };

        var forced = model.Generate([new GenerationRequest(source, settings)])[0].Sequences[0];
        var free = model.Generate([new GenerationRequest(source, settings with { ForcedEosTokenId = null })])[0].Sequences[0];

        free.TokenIds.Should().HaveCount(maxNewTokens).And.NotContain(2, "the random weights never choose </s> in so few tokens");
        forced.TokenIds.Should().HaveCount(maxNewTokens);
        forced.TokenIds[^1].Should().Be(2);
        forced.FinishReason.Should().Be(FinishReason.Length, "the limit, not the model, ended it");
        if (beams == 1)
        {
            forced.TokenIds[..^1].Should().Equal(free.TokenIds[..^1], "greedy: only the last token is forced");
        }
    }

    [Fact]
    public void Without_tokenizer_json_the_vocab_and_merges_files_tokenize_alike()
    {
        var folder = Directory.CreateTempSubdirectory("tiny-bart-").FullName;
        try
        {
            foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
            {
                File.Copy(Path.Combine(RepoPaths.Bundle(RepoPaths.TinyBartBundle), file), Path.Combine(folder, file));
            }

            var files = FamilyTokenizer.ByteLevelBpe.Load(folder);
            var json = models[RepoPaths.TinyBartBundle].Tokenizer;

            foreach (var text in new[] { "The cat is sleeping on the sofa.", "Je ne sais pas ce que tu veux dire.", "मैं घर जा रहा हूँ।" })
            {
                files.Encode(text).Ids.Should().Equal(json.Encode(text).Ids, text);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
