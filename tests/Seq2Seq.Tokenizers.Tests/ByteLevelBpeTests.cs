using System.Text.Json.Nodes;
using Seq2Seq.Tokenizers.HuggingFace;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// Byte-level BPE as BART ships it (tests/fixtures/tiny-bart): GPT-2's split, the byte alphabet, RobertaProcessing,
/// and the same tokenizer read from vocab.json + merges.txt. Equality with transformers.js on a varied corpus is
/// held by tests/families/run.sh.
/// </summary>
public class ByteLevelBpeTests
{
    private static readonly string Bundle = Path.Combine(Fixtures.RepositoryRootPath, "tests", "fixtures", "tiny-bart");
    private static readonly string[] Specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];

    [Fact]
    public void Bytes_are_spelled_in_gpt2s_alphabet()
    {
        ByteLevelAlphabet.Spell("a \n\té").Should().Be("aĠĊĉÃ©");
    }

    [Theory]
    [InlineData("Hello world's  test", new[] { "Hello", " world", "'s", " ", " test" })]
    [InlineData("I'd like 42 apples!!", new[] { "I", "'d", " like", " 42", " apples", "!!" })]
    [InlineData("tabs\tand\nnewlines  ", new[] { "tabs", "\t", "and", "\n", "newlines", "  " })]
    [InlineData("don'T we'll", new[] { "don", "'", "T", " we", "'ll" })]
    [InlineData("x  \u00A0y", new[] { "x", "  ", "\u00A0", "y" })]
    [InlineData("𝐀𝐁 1½ 😀!", new[] { "𝐀𝐁", " 1½", " 😀!" })]
    public void Text_is_cut_as_gpt2s_pattern_cuts_it(string text, string[] words)
    {
        var output = new List<string>();

        new ByteLevelPreTokenizer(addPrefixSpace: false, useRegex: true).PreTokenize(text, atInputStart: true, output);

        output.Should().Equal(words.Select(w => ByteLevelAlphabet.Spell(w)));
    }

    [Fact]
    public void Every_line_decodes_back_to_itself_between_s_and_eos()
    {
        var tokenizer = TokenizerJson.Load(Path.Combine(Bundle, "tokenizer.json"));
        var lines = Fixtures.ReadLines("lines.txt").Where(l => !Specials.Any(l.Contains)).ToList();

        lines.Should().HaveCountGreaterThan(2500);
        foreach (var line in lines)
        {
            var encoded = tokenizer.Encode(line);

            (encoded.Ids[0], encoded.Ids[^1]).Should().Be((0, 2), line);
            tokenizer.Decode(encoded.Ids).Should().Be(line);
        }
    }

    [Fact]
    public void Vocab_and_merges_files_tokenize_as_the_tokenizer_json()
    {
        var json = TokenizerJson.Load(Path.Combine(Bundle, "tokenizer.json"));
        var files = VocabMergesFiles.Load(Path.Combine(Bundle, "vocab.json"), Path.Combine(Bundle, "merges.txt"), addPrefixSpace: false);

        files.VocabSize.Should().Be(json.VocabSize);
        foreach (var line in Fixtures.ReadLines("lines.txt").Append("a <mask> b </s><s>"))
        {
            files.Encode(line).Ids.Should().Equal(json.Encode(line).Ids, line);
        }
    }

    [Fact]
    public void Add_prefix_space_writes_a_space_before_a_text_that_has_none()
    {
        var plain = TokenizerJson.Load(Path.Combine(Bundle, "tokenizer.json"));
        var withPrefix = Variant(root => root["pre_tokenizer"]!["add_prefix_space"] = true);

        withPrefix.Encode("Hello world").Ids.Should().Equal(plain.Encode(" Hello world").Ids);
        withPrefix.Encode(" Hello world").Ids.Should().Equal(plain.Encode(" Hello world").Ids);
        plain.Encode("Hello world").Ids.Should().NotEqual(plain.Encode(" Hello world").Ids);
    }

    [Fact]
    public void A_sequence_with_the_byte_level_post_processor_adds_what_roberta_processing_adds()
    {
        var plain = TokenizerJson.Load(Path.Combine(Bundle, "tokenizer.json"));
        var sequence = Variant(root => root["post_processor"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(new JsonObject { ["type"] = "ByteLevel", ["trim_offsets"] = true }, root["post_processor"]!.DeepClone()),
        });

        sequence.Encode("Hello world").Ids.Should().Equal(plain.Encode("Hello world").Ids);
    }

    private static HuggingFaceTokenizer Variant(Action<JsonNode> change)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Bundle, "tokenizer.json")))!;
        change(root);
        return TokenizerJson.Parse(root.ToJsonString());
    }
}
