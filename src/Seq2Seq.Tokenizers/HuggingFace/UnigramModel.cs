using System.Text;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// The "Unigram" model of tokenizer.json, as Hugging Face tokenizers runs it: every vocabulary entry can be
/// matched (special ones included), scores are summed in double precision, the unknown score is the lowest
/// score minus 10, runs of unknown characters are fused into one token, and with byte fallback a token
/// missing from the vocabulary becomes its UTF-8 bytes as &lt;0xXX&gt; tokens. It is not shared with
/// SentencePiece's unigram segmenter because the two differ exactly in those rules and in precision.
/// </summary>
internal sealed class UnigramModel : ITokenModel
{
    private const double UnknownPenalty = 10.0;

    private readonly string[] _tokens;
    private readonly double[] _scores;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly DoubleArrayTrie _trie;
    private readonly double _unknownScore;
    private readonly int[]? _byteIds;

    public UnigramModel(IReadOnlyList<(string Token, double Score)> vocab, int? unkId, bool byteFallback)
    {
        if (vocab.Count == 0)
        {
            throw new InvalidDataException("tokenizer.json Unigram model has an empty vocabulary.");
        }

        if (unkId is { } unk && (unk < 0 || unk >= vocab.Count))
        {
            throw new InvalidDataException($"tokenizer.json Unigram unk_id {unk} is outside the vocabulary.");
        }

        _tokens = new string[vocab.Count];
        _scores = new double[vocab.Count];
        _tokenToId = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        var minScore = double.PositiveInfinity;
        for (var id = 0; id < vocab.Count; id++)
        {
            _tokens[id] = vocab[id].Token;
            _scores[id] = vocab[id].Score;
            _tokenToId[vocab[id].Token] = id;
            minScore = Math.Min(minScore, vocab[id].Score);
        }

        _trie = DoubleArrayTrie.Build(_tokenToId.Select(p => (Encoding.UTF8.GetBytes(p.Key), p.Value)));
        _unknownScore = minScore - UnknownPenalty;
        UnkId = unkId;
        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteIds[b] = _tokenToId.GetValueOrDefault($"<0x{b:X2}>", -1);
            }
        }
    }

    public string?[] Tokens => _tokens;

    public int? UnkId { get; }

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    /// <summary>Appends the ids and tokens of one pre-tokenized word.</summary>
    public void Tokenize(string word, List<int> ids, List<string>? pieces)
    {
        var utf8 = Encoding.UTF8.GetBytes(word);
        var startsAt = new int[utf8.Length + 1];
        var best = new double[utf8.Length + 1];
        var nodeIds = new int[utf8.Length + 1];
        Array.Fill(startsAt, -1);
        Forward(utf8, startsAt, best, nodeIds);

        var tokens = new List<(int Start, int End, bool Unknown)>();
        for (var end = utf8.Length; end > 0;)
        {
            var start = startsAt[end];
            var unknown = nodeIds[end] == UnkId;
            if (unknown && tokens.Count > 0 && tokens[^1].Unknown)
            {
                tokens[^1] = (start, tokens[^1].End, true);
            }
            else
            {
                tokens.Add((start, end, unknown));
            }

            end = start;
        }

        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            var (start, end, _) = tokens[i];
            Emit(utf8.AsSpan(start, end - start), ids, pieces);
        }
    }

    private void Forward(byte[] utf8, int[] startsAt, double[] best, int[] nodeIds)
    {
        var size = utf8.Length;
        for (var start = 0; start < size;)
        {
            var scoreHere = best[start];
            var charLength = Math.Min(Utf8.OneCharLength(utf8[start]), size - start);
            var hasSingleCharToken = false;
            var node = DoubleArrayTrie.Root;
            for (var end = start; end < size;)
            {
                node = _trie.Next(node, utf8[end]);
                end++;
                if (node < 0)
                {
                    break;
                }

                var id = _trie.ValueAt(node);
                if (id < 0)
                {
                    continue;
                }

                Relax(end, start, id, _scores[id] + scoreHere, startsAt, best, nodeIds);
                hasSingleCharToken |= end - start == charLength;
            }

            if (!hasSingleCharToken)
            {
                var unk = UnkId ?? throw new InvalidOperationException(
                    "tokenizer.json Unigram model met an unknown character but has no unk_id.");
                Relax(start + charLength, start, unk, _unknownScore + scoreHere, startsAt, best, nodeIds);
            }

            start += charLength;
        }
    }

    private static void Relax(int end, int start, int id, double score, int[] startsAt, double[] best, int[] nodeIds)
    {
        if (startsAt[end] == -1 || score > best[end])
        {
            best[end] = score;
            startsAt[end] = start;
            nodeIds[end] = id;
        }
    }

    private void Emit(ReadOnlySpan<byte> token, List<int> ids, List<string>? pieces)
    {
        var text = Encoding.UTF8.GetString(token);
        if (_tokenToId.TryGetValue(text, out var id))
        {
            ids.Add(id);
            pieces?.Add(_tokens[id]);
            return;
        }

        if (_byteIds is not null && AllBytesKnown(token))
        {
            foreach (var b in token)
            {
                ids.Add(_byteIds[b]);
                pieces?.Add(_tokens[_byteIds[b]]);
            }

            return;
        }

        ids.Add(UnkId ?? throw new InvalidOperationException("tokenizer.json Unigram model has no unk_id."));
        pieces?.Add(text);
    }

    private bool AllBytesKnown(ReadOnlySpan<byte> token)
    {
        foreach (var b in token)
        {
            if (_byteIds![b] < 0)
            {
                return false;
            }
        }

        return true;
    }
}
