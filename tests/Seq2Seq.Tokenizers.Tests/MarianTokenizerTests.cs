using System.Text.Json;
using Seq2Seq.Tokenizers.Marian;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// A Marian bundle built from the unigram fixture model, with a vocab.json deliberately out of step with the
/// SentencePiece ids (reversed order, some pieces missing), as real opus-mt vocabularies are.
/// </summary>
public sealed class MarianTokenizerTests : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("marian-").FullName;
    private readonly SentencePieceModel _spm = SentencePieceModel.Load(Fixtures.Spm("unigram.model"));
    private readonly Dictionary<string, int> _vocab = new();

    public MarianTokenizerTests()
    {
        File.Copy(Fixtures.Spm("unigram.model"), Path.Combine(_bundle, "source.spm"));
        File.Copy(Fixtures.Spm("unigram.model"), Path.Combine(_bundle, "target.spm"));
        _vocab["</s>"] = 0;
        _vocab["<unk>"] = 1;
        _vocab["<pad>"] = _spm.VocabSize + 5;
        for (var id = 0; id < _spm.VocabSize; id++)
        {
            var piece = _spm.IdToPiece(id);
            if (id % 7 != 3 && !_vocab.ContainsKey(piece))
            {
                _vocab[piece] = _spm.VocabSize - id + 1;
            }
        }

        File.WriteAllText(Path.Combine(_bundle, "vocab.json"), JsonSerializer.Serialize(_vocab));
    }

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    [Fact]
    public void Encode_maps_every_reference_piece_through_vocab_json_and_appends_eos()
    {
        var tokenizer = MarianTokenizer.Load(_bundle);
        var lines = Fixtures.ReadLines("lines.txt");
        var referencePieces = Fixtures.ReadLines("unigram.pieces.txt");
        var unknownSeen = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(">>", StringComparison.Ordinal))
            {
                continue;
            }

            var expectedPieces = referencePieces[i].Length == 0 ? [] : referencePieces[i].Split(' ');
            var expectedIds = expectedPieces.Select(p => _vocab.TryGetValue(p, out var id) ? id : 1).Append(0).ToArray();
            unknownSeen += expectedIds.Count(id => id == 1);

            var actual = tokenizer.Encode(lines[i]);

            actual.Pieces.Should().Equal(expectedPieces.Append("</s>"), $"line {i + 1}");
            actual.Ids.Should().Equal(expectedIds, $"line {i + 1}");
        }

        unknownSeen.Should().BePositive("the vocabulary leaves pieces out, so some must map to <unk>");
    }

    [Fact]
    public void Leading_language_tag_is_one_token_and_the_rest_is_encoded_on_its_own()
    {
        _vocab[">>fra<<"] = _spm.VocabSize + 9;
        File.WriteAllText(Path.Combine(_bundle, "vocab.json"), JsonSerializer.Serialize(_vocab));
        var tokenizer = MarianTokenizer.Load(_bundle);

        var withTag = tokenizer.Encode(">>fra<< Hello world");
        var withoutTag = _spm.Encode(" Hello world");

        withTag.Pieces.Should().Equal(new[] { ">>fra<<" }.Concat(withoutTag.Pieces).Append("</s>"));
        withTag.Ids[0].Should().Be(_vocab[">>fra<<"]);
        withTag.Ids[^1].Should().Be(tokenizer.EosId);
    }

    [Fact]
    public void Decode_skips_special_tokens_and_restores_the_text()
    {
        var tokenizer = MarianTokenizer.Load(_bundle);
        var encoded = tokenizer.Encode("Je pense que c'est une bonne idée.");
        encoded.Ids.Should().NotContain(tokenizer.UnkId);

        var ids = encoded.Ids.Prepend(tokenizer.PadId).Append(tokenizer.PadId).ToArray();

        tokenizer.Decode(ids).Should().Be("Je pense que c'est une bonne idée.");
        tokenizer.Decode(ids, skipSpecialTokens: false)
            .Should().Be("<pad> Je pense que c'est une bonne idée.</s> <pad>");
    }

    [Fact]
    public void Special_ids_come_from_vocab_json_not_from_the_spm_model()
    {
        var tokenizer = MarianTokenizer.Load(_bundle);

        tokenizer.EosId.Should().Be(0);
        tokenizer.UnkId.Should().Be(1);
        tokenizer.PadId.Should().Be(_spm.VocabSize + 5);
        tokenizer.VocabSize.Should().Be(_spm.VocabSize + 6);
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected()
    {
        var tokenizer = MarianTokenizer.Load(_bundle);

        var act = () => tokenizer.Decode([tokenizer.VocabSize]);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
