using Seq2Seq.Tokenizers.HuggingFace;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>The tokenizer.json BPE options that the fixture file (built from an spm model) does not use.</summary>
public class BpeTokenizerJsonTests
{
    private static HuggingFaceTokenizer Bpe(string vocab, string merges, string options = "") =>
        TokenizerJson.Parse("{\"model\": {\"type\": \"BPE\", \"vocab\": {" + vocab + "}, \"merges\": [" + merges + "]" +
            options + "}}");

    [Theory]
    [InlineData(false, new[] { "a", "<unk>", "<unk>", "b" })]
    [InlineData(true, new[] { "a", "<unk>", "b" })]
    public void Unknown_characters_become_unk_fused_on_request(bool fuse, string[] expected)
    {
        var tokenizer = Bpe("\"<unk>\": 0, \"a\": 1, \"b\": 2", "", $", \"unk_token\": \"<unk>\", \"fuse_unk\": {(fuse ? "true" : "false")}");

        var encoded = tokenizer.Encode("accb");

        encoded.Pieces.Should().Equal(expected);
    }

    [Fact]
    public void Lowest_rank_merges_first_and_continuing_prefix_marks_inner_characters()
    {
        var tokenizer = Bpe(
            "\"a\": 0, \"##b\": 1, \"##c\": 2, \"ab\": 3, \"abc\": 4, \"##bc\": 5",
            "[\"a\", \"##b\"], [\"ab\", \"##c\"], [\"##b\", \"##c\"]",
            ", \"continuing_subword_prefix\": \"##\"");

        tokenizer.Encode("ab").Pieces.Should().Equal("ab");
        tokenizer.Encode("abc").Pieces.Should().Equal("abc");
    }

    [Fact]
    public void Merge_order_follows_rank_not_position()
    {
        var tokenizer = Bpe("\"a\": 0, \"b\": 1, \"ab\": 2, \"bb\": 3", "\"b b\", \"a b\"");

        tokenizer.Encode("abb").Pieces.Should().Equal("a", "bb");
        tokenizer.Encode("abab").Pieces.Should().Equal("ab", "ab");
    }

    [Fact]
    public void Ignore_merges_takes_a_whole_word_from_the_vocabulary()
    {
        var tokenizer = Bpe("\"a\": 0, \"b\": 1, \"ab\": 2, \"ba\": 3, \"aba\": 4", "\"a b\"", ", \"ignore_merges\": true");

        tokenizer.Encode("aba").Pieces.Should().Equal("aba");
        tokenizer.Encode("abab").Pieces.Should().Equal("ab", "ab");
    }

    [Fact]
    public void Byte_fallback_spells_characters_in_bytes_and_the_rest_is_unk()
    {
        var tokenizer = Bpe("\"<unk>\": 0, \"a\": 1, \"<0xC3>\": 2, \"<0xA9>\": 3", "",
            ", \"unk_token\": \"<unk>\", \"byte_fallback\": true");

        tokenizer.Encode("aéz").Pieces.Should().Equal("a", "<0xC3>", "<0xA9>", "<unk>");
        tokenizer.Encode("aéz").Ids.Should().Equal(1, 2, 3, 0);
    }

    [Theory]
    [InlineData("\"a b\"", "\"a\": 0, \"b\": 1", "ab")]
    [InlineData("\"a c\"", "\"a\": 0, \"ac\": 1", "c")]
    [InlineData("\"a b c\"", "\"a\": 0", "a b c")]
    public void Merges_naming_tokens_outside_the_vocabulary_are_rejected(string merge, string vocab, string named)
    {
        var act = () => Bpe(vocab, merge);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{named}'*");
    }

    [Fact]
    public void Dropout_is_rejected_as_unsupported()
    {
        var act = () => Bpe("\"a\": 0", "", ", \"dropout\": 0.1");

        act.Should().Throw<NotSupportedException>().WithMessage("*dropout*");
    }
}
