using System.Text;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// The "BPE" model of tokenizer.json, as Hugging Face tokenizers runs it: a word starts as its characters
/// (with the continuing-subword prefix and end-of-word suffix when configured); a character missing from the
/// vocabulary becomes its &lt;0xXX&gt; byte tokens with byte fallback, else the unknown token (runs fused when
/// fuse_unk); then the adjacent pair with the lowest merge rank is merged, leftmost first, until none applies.
/// </summary>
internal sealed class BpeModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, (int Rank, int Id)> _merges;
    private readonly string? _unkToken;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly bool _fuseUnknown;
    private readonly bool _byteFallback;
    private readonly bool _ignoreMerges;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken,
        string? continuingSubwordPrefix, string? endOfWordSuffix, bool fuseUnknown, bool byteFallback, bool ignoreMerges)
    {
        if (vocab.Count == 0)
        {
            throw new InvalidDataException("tokenizer.json BPE model has an empty vocabulary.");
        }

        _vocab = vocab;
        _unkToken = unkToken;
        _prefix = continuingSubwordPrefix;
        _suffix = endOfWordSuffix;
        _fuseUnknown = fuseUnknown;
        _byteFallback = byteFallback;
        _ignoreMerges = ignoreMerges;
        Tokens = new string?[vocab.Values.Max() + 1];
        foreach (var (token, id) in vocab)
        {
            if (id < 0)
            {
                throw new InvalidDataException($"tokenizer.json BPE vocabulary maps '{token}' to negative id {id}.");
            }

            Tokens[id] = token;
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            // The right part's continuing-subword prefix does not appear inside the merged token.
            var tail = _prefix is { Length: > 0 } && right.StartsWith(_prefix, StringComparison.Ordinal) ? right[_prefix.Length..] : right;
            var merged = Id(left + tail, "merge result");
            // A pair listed twice keeps its last rank, as Hugging Face builds its merge map.
            _merges[PairKey(Id(left, "merge part"), Id(right, "merge part"))] = (rank, merged);
        }

        UnkId = unkToken is null ? null : vocab.TryGetValue(unkToken, out var unk) ? unk : null;
    }

    public string?[] Tokens { get; }

    public int? UnkId { get; }

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    public void Tokenize(string word, List<int> ids, List<string>? pieces)
    {
        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            ids.Add(whole);
            pieces?.Add(Tokens[whole]!);
            return;
        }

        var symbols = Split(word);
        Merge(symbols);
        foreach (var symbol in symbols)
        {
            if (symbol.Length > 0)
            {
                ids.Add(symbol.Id);
                pieces?.Add(Tokens[symbol.Id]!);
            }
        }
    }

    private List<Symbol> Split(string word)
    {
        var symbols = new List<Symbol>(word.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var unknownLength = 0;
        var index = 0;
        foreach (var rune in word.EnumerateRunes())
        {
            var text = rune.ToString();
            var isFirst = index == 0;
            index += text.Length;
            var isLast = index == word.Length;
            var key = (isFirst ? "" : _prefix) + text + (isLast ? _suffix : "");
            if (_vocab.TryGetValue(key, out var id))
            {
                FlushUnknown(symbols, ref unknownLength);
                symbols.Add(new Symbol(id, rune.Utf8SequenceLength));
                continue;
            }

            if (_byteFallback && TryBytes(key, symbols))
            {
                continue;
            }

            if (_unkToken is null)
            {
                continue;
            }

            if (!_fuseUnknown)
            {
                FlushUnknown(symbols, ref unknownLength);
            }

            unknownLength += rune.EncodeToUtf8(utf8);
        }

        FlushUnknown(symbols, ref unknownLength);
        for (var i = 0; i < symbols.Count; i++)
        {
            symbols[i] = symbols[i] with { Prev = i - 1, Next = i + 1 < symbols.Count ? i + 1 : -1 };
        }

        return symbols;
    }

    private bool TryBytes(string key, List<Symbol> symbols)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var byteIds = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!_vocab.TryGetValue($"<0x{bytes[i]:X2}>", out byteIds[i]))
            {
                return false;
            }
        }

        foreach (var id in byteIds)
        {
            symbols.Add(new Symbol(id, 1));
        }

        return true;
    }

    private void FlushUnknown(List<Symbol> symbols, ref int unknownLength)
    {
        if (unknownLength == 0)
        {
            return;
        }

        var unk = UnkId ?? throw new InvalidDataException($"tokenizer.json BPE unk_token '{_unkToken}' is not in the vocabulary.");
        symbols.Add(new Symbol(unk, unknownLength));
        unknownLength = 0;
    }

    private void Merge(List<Symbol> symbols)
    {
        var queue = new PriorityQueue<(int Position, int Id), (int Rank, int Position)>();
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            Propose(queue, symbols, i, i + 1);
        }

        while (queue.TryDequeue(out var top, out _))
        {
            var left = symbols[top.Position];
            if (left.Length == 0 || left.Next < 0)
            {
                continue;
            }

            var right = symbols[left.Next];
            if (!_merges.TryGetValue(PairKey(left.Id, right.Id), out var merge) || merge.Id != top.Id)
            {
                continue;
            }

            symbols[top.Position] = left with { Id = top.Id, Length = left.Length + right.Length, Next = right.Next };
            symbols[left.Next] = right with { Length = 0 };
            if (right.Next >= 0)
            {
                symbols[right.Next] = symbols[right.Next] with { Prev = top.Position };
            }

            if (left.Prev >= 0)
            {
                Propose(queue, symbols, left.Prev, top.Position);
            }

            if (right.Next >= 0)
            {
                Propose(queue, symbols, top.Position, right.Next);
            }
        }
    }

    private void Propose(PriorityQueue<(int, int), (int, int)> queue, List<Symbol> symbols, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(symbols[left].Id, symbols[right].Id), out var merge))
        {
            queue.Enqueue((left, merge.Id), (merge.Rank, left));
        }
    }

    private int Id(string token, string role) => _vocab.TryGetValue(token, out var id)
        ? id
        : throw new InvalidDataException($"tokenizer.json BPE {role} '{token}' is not in the vocabulary.");

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private readonly record struct Symbol(int Id, int Length, int Prev = -1, int Next = -1);
}
