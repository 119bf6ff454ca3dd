using System.Text.Json;
using Seq2Seq.Tokenizers.HuggingFace;
using Seq2Seq.Tokenizers.Marian;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// The bundles the training pipeline writes (the shipped model and the tiny test model), against its golden
/// files: input_ids made by Python's sentencepiece plus &lt;/s&gt;, and output text made by its decode.
/// </summary>
public class ModelBundleTests
{
    public static TheoryData<string, string> Bundles => new()
    {
        { "models/marian-tatoeba-en-fr", "tests/fixtures/golden/marian-tatoeba-en-fr" },
        { "tests/fixtures/tiny-marian", "tests/fixtures/golden/tiny-marian" },
    };

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Marian_and_tokenizer_json_encode_the_golden_sources_to_the_golden_input_ids(string bundle, string golden)
    {
        var directory = Path.Combine(Fixtures.RepositoryRootPath, bundle);
        ITokenizer[] tokenizers = [MarianTokenizer.Load(directory), TokenizerJson.Load(Path.Combine(directory, "tokenizer.json"))];
        var cases = GoldenCases(golden).ToList();
        cases.Should().NotBeEmpty();
        foreach (var tokenizer in tokenizers)
        {
            foreach (var (source, inputIds, _, _) in cases)
            {
                tokenizer.Encode(source).Ids.Should().Equal(inputIds, $"{tokenizer.GetType().Name}: {source}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Each_id_maps_back_to_the_piece_encoding_gave_it(string bundle, string golden)
    {
        var directory = Path.Combine(Fixtures.RepositoryRootPath, bundle);
        ITokenizer[] tokenizers = [MarianTokenizer.Load(directory), TokenizerJson.Load(Path.Combine(directory, "tokenizer.json"))];
        foreach (var tokenizer in tokenizers)
        {
            foreach (var (source, _, _, _) in GoldenCases(golden))
            {
                var encoded = tokenizer.Encode(source);
                encoded.Ids.Select(tokenizer.IdToPiece).Should().Equal(encoded.Pieces, $"{tokenizer.GetType().Name}: {source}");
            }

            tokenizer.IdToPiece(tokenizer.EosId).Should().Be("</s>");
        }
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Marian_and_tokenizer_json_decode_the_golden_outputs_to_the_golden_text(string bundle, string golden)
    {
        var directory = Path.Combine(Fixtures.RepositoryRootPath, bundle);
        ITokenizer[] tokenizers = [MarianTokenizer.Load(directory), TokenizerJson.Load(Path.Combine(directory, "tokenizer.json"))];
        foreach (var tokenizer in tokenizers)
        {
            foreach (var (_, _, outputIds, text) in GoldenCases(golden))
            {
                tokenizer.Decode(outputIds).Should().Be(text.Trim(), $"{tokenizer.GetType().Name}: {string.Join(' ', outputIds)}");
            }
        }
    }

    public static TheoryData<string> BundleDirectories => new() { "models/marian-tatoeba-en-fr", "tests/fixtures/tiny-marian" };

    [Theory]
    [MemberData(nameof(BundleDirectories))]
    public void Special_ids_and_vocabulary_size_agree_with_config_json(string bundle)
    {
        var directory = Path.Combine(Fixtures.RepositoryRootPath, bundle);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json")));
        var root = config.RootElement;
        ITokenizer[] tokenizers = [MarianTokenizer.Load(directory), TokenizerJson.Load(Path.Combine(directory, "tokenizer.json"))];
        foreach (var tokenizer in tokenizers)
        {
            tokenizer.EosId.Should().Be(root.GetProperty("eos_token_id").GetInt32());
            tokenizer.PadId.Should().Be(root.GetProperty("pad_token_id").GetInt32());
            tokenizer.VocabSize.Should().Be(root.GetProperty("vocab_size").GetInt32());
        }
    }

    private static IEnumerable<(string Source, int[] InputIds, int[] OutputIds, string Text)> GoldenCases(string golden)
    {
        foreach (var file in new[] { "greedy.json", "beam4.json" })
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.RepositoryRootPath, golden, file)));
            foreach (var item in document.RootElement.GetProperty("cases").EnumerateArray())
            {
                yield return (
                    item.GetProperty("source").GetString()!,
                    item.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    item.GetProperty("output_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    item.GetProperty("text").GetString()!);
            }
        }
    }
}
