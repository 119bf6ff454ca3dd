using System.Text;
using Seq2Seq.Tokenizers.HuggingFace;
using Seq2Seq.Tokenizers.SentencePiece;
using Xunit.Abstractions;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// unigram.tokenizer.json is built by generate.py from unigram.model (same pieces, scores and charsmap,
/// whitespace rules spelled as Replace normalizers, Metaspace, &lt;/s&gt; appended), so it must encode as
/// the model does. Two Hugging Face behaviours differ from SentencePiece by design and are checked as such:
/// special tokens written in the text are recognised, and Precompiled normalizes by grapheme cluster.
/// A third is numeric: scores add up in double precision, not single, so between two segmentations of equal
/// score the other one may win.
/// </summary>
public class TokenizerJsonTests(ITestOutputHelper output)
{
    private static readonly HuggingFaceTokenizer Tokenizer = TokenizerJson.Load(Fixtures.Spm("unigram.tokenizer.json"));
    private static readonly SentencePieceModel Spm = SentencePieceModel.Load(Fixtures.Spm("unigram.model"));

    /// <summary>The same model without its charsmap: segments text that is normalized already.</summary>
    private static readonly SentencePieceModel SpmWithoutCharsMap = new(Spm.Proto with
    {
        NormalizerSpec = Spm.Proto.NormalizerSpec with { PrecompiledCharsmap = [] },
    });

    [Fact]
    public void Encodes_every_line_as_the_spm_model_it_was_built_from()
    {
        var lines = Fixtures.ReadLines("lines.txt");
        var reference = Fixtures.ReadLines("unigram.ids.txt");
        var charsMap = PrecompiledCharsMap.FromBlob(Spm.Proto.NormalizerSpec.PrecompiledCharsmap)!;
        var precompiled = new PrecompiledNormalizer(charsMap);
        var failures = new List<string>();
        var identical = 0;
        var graphemeRuled = 0;
        var ties = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var actual = Tokenizer.Encode(lines[i]);
            actual.Ids[^1].Should().Be(Spm.EosId);
            actual.Pieces[^1].Should().Be("</s>");
            var ids = string.Join(' ', actual.Ids[..^1]);
            if (lines[i].Contains("</s>") || lines[i].Contains("<unk>"))
            {
                actual.Ids.Should().Contain([Spm.EosId, Spm.UnkId], "special tokens in the text are recognised");
                continue;
            }

            var hfNormalized = precompiled.Normalize(lines[i]);
            if (hfNormalized == SentencePieceStyle(charsMap, lines[i]))
            {
                identical++;
                if (ids != reference[i] && IsTie(reference[i], ids))
                {
                    ties++;
                }
                else if (ids != reference[i])
                {
                    failures.Add($"line {i + 1} [{lines[i]}]\n  spm {reference[i]}\n  hf  {ids}");
                }
            }
            else
            {
                // Grapheme-wise normalization gave other text; past that step both must agree again.
                graphemeRuled++;
                var expected = string.Join(' ', SpmWithoutCharsMap.Encode(hfNormalized).Ids);
                if (ids != expected)
                {
                    failures.Add($"line {i + 1} [{lines[i]}] (grapheme rule)\n  spm {expected}\n  hf  {ids}");
                }
            }
        }

        output.WriteLine($"{lines.Length} lines: {identical} normalized alike, {graphemeRuled} by the grapheme rule, {ties} ties");
        failures.Should().BeEmpty($"{failures.Count} lines differ:\n" + string.Join('\n', failures.Take(20)));
        identical.Should().BeGreaterThan(lines.Length - 20);
        graphemeRuled.Should().BeLessThan(20);
        ties.Should().BeLessThan(12, "only the equal-score probe lines and a few like them");
    }

    [Fact]
    public void Decodes_as_spm_decode_when_no_unknown_piece_is_involved()
    {
        var lines = Fixtures.ReadLines("lines.txt");
        var reference = Fixtures.ReadLines("unigram.ids.txt");
        var decoded = Fixtures.ReadLines("unigram.decoded.txt");
        var compared = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var ids = reference[i].Length == 0 ? [] : reference[i].Split(' ').Select(int.Parse).ToArray();
            if (ids.Contains(Spm.UnkId))
            {
                continue;
            }

            compared++;
            Tokenizer.Decode(ids.Append(Spm.EosId).ToArray()).Should().Be(decoded[i], $"line {i + 1}");
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
    [InlineData("pre_tokenizer", """{"type": "ByteLevel"}""", "ByteLevel")]
    [InlineData("decoder", """{"type": "WordPiece"}""", "WordPiece")]
    [InlineData("post_processor", """{"type": "RobertaProcessing"}""", "RobertaProcessing")]
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

    /// <summary>Whether two segmentations have the same total score, so that either is a best path.</summary>
    private static bool IsTie(string a, string b)
    {
        double Total(string ids) => ids.Split(' ').Sum(id => (double)Spm.GetScore(int.Parse(id)));
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
