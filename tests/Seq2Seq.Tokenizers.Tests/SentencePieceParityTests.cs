using System.Text;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// Every fixture line must encode to exactly the pieces and ids spm_encode produced, and the reference ids
/// must decode to exactly what spm_decode produced. Fixtures: tests/fixtures/spm/generate.py.
/// </summary>
public class SentencePieceParityTests
{
    public static TheoryData<string> Models => new() { "unigram", "bpe", "unigram-bytes" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Encode_matches_spm_encode_on_every_line(string model)
    {
        var spm = SentencePieceModel.Load(Fixtures.Spm($"{model}.model"));
        var lines = Fixtures.ReadLines("lines.txt");
        var expectedPieces = Fixtures.ReadLines($"{model}.pieces.txt");
        var expectedIds = Fixtures.ReadLines($"{model}.ids.txt");
        lines.Should().HaveCountGreaterThan(2000).And.HaveSameCount(expectedPieces).And.HaveSameCount(expectedIds);

        var failures = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var actual = spm.Encode(lines[i]);
            var pieces = string.Join(' ', actual.Pieces);
            var ids = string.Join(' ', actual.Ids);
            if (pieces != expectedPieces[i] || ids != expectedIds[i])
            {
                failures.Add($"line {i + 1} [{Escape(lines[i])}]\n  expected {expectedPieces[i]} | {expectedIds[i]}\n  actual   {pieces} | {ids}");
            }
        }

        failures.Should().BeEmpty($"{failures.Count} of {lines.Length} lines differ from spm_encode:\n" +
            string.Join('\n', failures.Take(15)));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Decode_matches_spm_decode_on_every_line(string model)
    {
        var spm = SentencePieceModel.Load(Fixtures.Spm($"{model}.model"));
        var ids = Fixtures.ReadLines($"{model}.ids.txt");
        var expected = Fixtures.ReadLines($"{model}.decoded.txt");
        ids.Should().HaveSameCount(expected);

        var failures = new List<string>();
        for (var i = 0; i < ids.Length; i++)
        {
            var parsed = ids[i].Length == 0 ? [] : ids[i].Split(' ').Select(int.Parse).ToArray();
            var actual = spm.Decode(parsed);
            if (actual != expected[i])
            {
                failures.Add($"line {i + 1}: expected [{Escape(expected[i])}] actual [{Escape(actual)}]");
            }
        }

        failures.Should().BeEmpty($"{failures.Count} of {ids.Length} lines differ from spm_decode:\n" +
            string.Join('\n', failures.Take(15)));
    }

    /// <summary>
    /// generate.py marks some pieces UNUSED (same rule as below) and records spm_encode: BPE must split such
    /// merges back into their parts, unigram must never emit them.
    /// </summary>
    [Theory]
    [InlineData("unigram")]
    [InlineData("bpe")]
    public void Encode_matches_spm_encode_with_pieces_marked_unused(string model)
    {
        var proto = ModelProto.Parse(File.ReadAllBytes(Fixtures.Spm($"{model}.model")));
        var pieces = proto.Pieces
            .Select((p, i) => p.Type == PieceType.Normal && i % 10 == 7 && Encoding.UTF8.GetByteCount(p.Text) > 4
                ? p with { Type = PieceType.Unused }
                : p)
            .ToList();
        var spm = new SentencePieceModel(proto with { Pieces = pieces });
        var lines = Fixtures.ReadLines("lines.txt");
        var expectedPieces = Fixtures.ReadLines($"{model}-unused.pieces.txt");
        var expectedIds = Fixtures.ReadLines($"{model}-unused.ids.txt");
        expectedIds.Should().HaveCount(1200).And.HaveSameCount(expectedPieces);

        for (var i = 0; i < expectedIds.Length; i++)
        {
            var actual = spm.Encode(lines[i]);
            string.Join(' ', actual.Pieces).Should().Be(expectedPieces[i], $"line {i + 1}");
            string.Join(' ', actual.Ids).Should().Be(expectedIds[i], $"line {i + 1}");
        }
    }

    private static string Escape(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
