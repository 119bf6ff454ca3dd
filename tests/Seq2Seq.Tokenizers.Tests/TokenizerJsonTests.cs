using System.Text;
using Seq2Seq.Tokenizers.HuggingFace;
using Seq2Seq.Tokenizers.SentencePiece;
using Xunit.Abstractions;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// unigram.tokenizer.json and bpe.tokenizer.json are built by generate.py from the fixture models (same
/// pieces, scores or merges, and charsmap; whitespace rules spelled as Replace normalizers; Metaspace;
/// &lt;/s&gt; appended), so they must encode as the models do. Hugging Face behaviours that differ from
/// SentencePiece by design are checked as such: added tokens (special ones, and BPE's user-defined
/// &gt;&gt;fra&lt;&lt;) are cut out of the text first, Precompiled normalizes by grapheme cluster, and unigram
/// scores add up in double precision, so between two segmentations of equal score the other one may win.
/// </summary>
public class TokenizerJsonTests(ITestOutputHelper output)
{
    private static readonly HuggingFaceTokenizer Tokenizer = TokenizerJson.Load(Fixtures.Spm("unigram.tokenizer.json"));
    private static readonly SentencePieceModel Spm = SentencePieceModel.Load(Fixtures.Spm("unigram.model"));

    [Theory]
    [InlineData("unigram", 12)]
    [InlineData("bpe", 0)]
    public void Encodes_every_line_as_the_spm_model_it_was_built_from(string model, int maxTies)
    {
        var tokenizer = TokenizerJson.Load(Fixtures.Spm($"{model}.tokenizer.json"));
        var spm = SentencePieceModel.Load(Fixtures.Spm($"{model}.model"));

        // The same model without its charsmap segments text that is normalized already.
        var spmWithoutCharsMap = new SentencePieceModel(spm.Proto with
        {
            NormalizerSpec = spm.Proto.NormalizerSpec with { PrecompiledCharsmap = [] },
        });
        var addedTokens = spm.Proto.Pieces.Where(p => p.Type is PieceType.Control or PieceType.Unknown ||
            (model == "bpe" && p.Type == PieceType.UserDefined)).Select(p => p.Text).ToList();
        var lines = Fixtures.ReadLines("lines.txt");
        var reference = Fixtures.ReadLines($"{model}.ids.txt");
        var charsMap = PrecompiledCharsMap.FromBlob(spm.Proto.NormalizerSpec.PrecompiledCharsmap)!;
        var precompiled = new PrecompiledNormalizer(charsMap);
        var failures = new List<string>();
        int identical = 0, graphemeRuled = 0, ties = 0, withAddedTokens = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var actual = tokenizer.Encode(lines[i]);
            actual.Ids[^1].Should().Be(spm.EosId);
            actual.Pieces[^1].Should().Be("</s>");
            var ids = string.Join(' ', actual.Ids[..^1]);
            var present = addedTokens.Where(t => lines[i].Contains(t, StringComparison.Ordinal)).ToList();
            if (present.Count > 0)
            {
                withAddedTokens++;
                actual.Ids.Should().Contain(present.Select(spm.PieceToId), "added tokens in the text are recognised");
                continue;
            }

            var hfNormalized = precompiled.Normalize(lines[i]);
            if (hfNormalized != SentencePieceStyle(charsMap, lines[i]))
            {
                // Grapheme-wise normalization gave other text; past that step both must agree again.
                graphemeRuled++;
                var expected = string.Join(' ', spmWithoutCharsMap.Encode(hfNormalized).Ids);
                if (ids != expected)
                {
                    failures.Add($"line {i + 1} [{lines[i]}] (grapheme rule)\n  spm {expected}\n  hf  {ids}");
                }

                continue;
            }

            identical++;
            if (ids == reference[i])
            {
                continue;
            }

            if (model == "unigram" && IsTie(spm, reference[i], ids))
            {
                ties++;
            }
            else
            {
                failures.Add($"line {i + 1} [{lines[i]}]\n  spm {reference[i]}\n  hf  {ids}");
            }
        }

        output.WriteLine($"{model}: {lines.Length} lines: {identical} normalized alike ({ties} ties), " +
            $"{graphemeRuled} by the grapheme rule, {withAddedTokens} with added tokens");
        failures.Should().BeEmpty($"{failures.Count} lines differ:\n" + string.Join('\n', failures.Take(20)));
        identical.Should().BeGreaterThan(lines.Length - 30);
        graphemeRuled.Should().BeLessThan(20);
        ties.Should().BeLessThanOrEqualTo(maxTies, "only the equal-score probe lines and a few like them");
    }

    [Theory]
    [InlineData("unigram")]
    [InlineData("bpe")]
    public void Decodes_as_spm_decode_when_no_unknown_piece_is_involved(string model)
    {
        var tokenizer = TokenizerJson.Load(Fixtures.Spm($"{model}.tokenizer.json"));
        var spm = SentencePieceModel.Load(Fixtures.Spm($"{model}.model"));
        var lines = Fixtures.ReadLines("lines.txt");
        var reference = Fixtures.ReadLines($"{model}.ids.txt");
        var decoded = Fixtures.ReadLines($"{model}.decoded.txt");
        var compared = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var ids = reference[i].Length == 0 ? [] : reference[i].Split(' ').Select(int.Parse).ToArray();
            if (ids.Contains(spm.UnkId))
            {
                continue;
            }

            compared++;
            tokenizer.Decode(ids.Append(spm.EosId).ToArray()).Should().Be(decoded[i], $"line {i + 1}");
        }

        compared.Should().BeGreaterThan(2000);
    }

    [Fact]
    public void Special_tokens_are_kept_or_skipped_on_request()
    {
        var ids = Tokenizer.Encode("Hello").Ids;

        Tokenizer.Decode(ids).Should().Be("Hello");
        Tokenizer.Decode(ids, skipSpecialTokens: false).Should().Be("Hello</s>");
        Tokenizer.EosId.Should().Be(Spm.EosId);
        Tokenizer.UnkId.Should().Be(Spm.UnkId);
        Tokenizer.VocabSize.Should().Be(Spm.VocabSize);
    }

    [Theory]
    [InlineData("normalizer", """{"type": "BertNormalizer"}""", "BertNormalizer")]
    [InlineData("pre_tokenizer", """{"type": "Whitespace"}""", "Whitespace")]
    [InlineData("decoder", """{"type": "WordPiece"}""", "WordPiece")]
    [InlineData("post_processor", """{"type": "BertProcessing"}""", "BertProcessing")]
    [InlineData("model", """{"type": "WordLevel", "vocab": {}}""", "WordLevel")]
    public void Unsupported_components_fail_at_load_naming_the_component(string field, string component, string name)
    {
        var json = $$"""
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0]]},
             "{{field}}": {{component}}}
            """;

        var act = () => TokenizerJson.Parse(json);

        act.Should().Throw<NotSupportedException>().WithMessage($"*{field}*{name}*");
    }

    [Fact]
    public void Nested_unsupported_normalizer_is_named()
    {
        var json = """
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]},
             "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "StripAccents"}]}}
            """;

        var act = () => TokenizerJson.Parse(json);

        act.Should().Throw<NotSupportedException>().WithMessage("*StripAccents*");
    }

    [Fact]
    public void Byte_fallback_decoder_chain_restores_bytes_and_replaces_invalid_runs()
    {
        var json = """
            {"model": {"type": "Unigram", "unk_id": 0, "byte_fallback": true,
                       "vocab": [["<unk>", 0.0], ["▁a", -1.0], ["<0xC3>", 0.0], ["<0xA9>", 0.0], ["<0xFF>", 0.0]]},
             "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false},
             "decoder": {"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}}
            """;
        var tokenizer = TokenizerJson.Parse(json);

        var encoded = tokenizer.Encode("aé");

        encoded.Pieces.Should().Equal("▁a", "<0xC3>", "<0xA9>");
        tokenizer.Decode(encoded.Ids).Should().Be("aé");
        tokenizer.Decode([1, 4, 2]).Should().Be("a\uFFFD\uFFFD");
    }

    [Fact]
    public void Legacy_metaspace_add_prefix_space_and_literal_replace_are_read()
    {
        var json = """
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁x", -1.0], ["y", -1.0]]},
             "normalizer": {"type": "Replace", "pattern": {"String": "z"}, "content": "y"},
             "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true},
             "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}}
            """;
        var tokenizer = TokenizerJson.Parse(json);

        var encoded = tokenizer.Encode("xz x");

        encoded.Pieces.Should().Equal("▁x", "y", "▁x");
        tokenizer.Decode(encoded.Ids).Should().Be("xy x");
    }

    [Fact]
    public void Whitespace_split_before_metaspace_drops_every_run_of_white_space_and_prefixes_each_word()
    {
        // T5's pre-tokenizer: without the split, "x  y" would keep a lone ▁ between the words and "\t" would stay.
        var json = """
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁x", -1.0], ["▁y", -1.0], ["▁", -1.0], ["y", -1.0]]},
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "WhitespaceSplit"}, {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}]},
             "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}}
            """;
        var tokenizer = TokenizerJson.Parse(json);

        var encoded = tokenizer.Encode("  x \t y\u3000\u00a0xy  ");

        encoded.Pieces.Should().Equal("▁x", "▁y", "▁x", "y");
        tokenizer.Decode(encoded.Ids).Should().Be("x y xy");
    }

    [Fact]
    public void A_pre_tokenizer_sequence_other_than_whitespace_split_then_metaspace_is_named()
    {
        var json = """
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]},
             "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Metaspace", "replacement": "▁"}, {"type": "WhitespaceSplit"}]}}
            """;

        var act = () => TokenizerJson.Parse(json);

        act.Should().Throw<NotSupportedException>().WithMessage("*Metaspace, WhitespaceSplit*");
    }

    /// <summary>Whether two segmentations have the same total score, so that either is a best path.</summary>
    private static bool IsTie(SentencePieceModel spm, string a, string b)
    {
        double Total(string ids) => ids.Split(' ').Sum(id => (double)spm.GetScore(int.Parse(id)));
        return Math.Abs(Total(a) - Total(b)) < 1e-4;
    }

    /// <summary>SentencePiece's way: the longest matching rule at each position.</summary>
    private static string SentencePieceStyle(PrecompiledCharsMap map, string text)
    {
        ReadOnlySpan<byte> input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>();
        while (!input.IsEmpty)
        {
            var length = map.LongestPrefix(input, out var replacement);
            if (length > 0)
            {
                output.AddRange(replacement);
            }
            else
            {
                Utf8.TryDecode(input, out length);
                output.AddRange(input[..length]);
            }

            input = input[length..];
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }
}
