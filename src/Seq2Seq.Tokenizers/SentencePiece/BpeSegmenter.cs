namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// BPE segmentation: starts from characters (user-defined symbols whole and frozen) and repeatedly merges
/// the adjacent pair whose merged piece has the highest score, the leftmost pair first among equals.
/// Merged pieces that the model marks unused are split back into the pair they were made from.
/// </summary>
internal sealed class BpeSegmenter : ISegmenter
{
    private readonly Vocabulary _vocab;

    public BpeSegmenter(Vocabulary vocab) => _vocab = vocab;

    private struct Symbol
    {
        public int Start;
        public int Length;
        public int Prev;
        public int Next;
        public bool Frozen;

        /// <summary>The vocabulary trie node spelling this symbol, or -1: merges are looked up from here.</summary>
        public int Node;
    }

    private readonly record struct Candidate(float Score, int Left, int Right, int Length, int Node);

    public void Segment(ReadOnlySpan<byte> text, ref PooledBuffer<Segment> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var symbols = new PooledBuffer<Symbol>(text.Length);
        var agenda = new PooledBuffer<Candidate>(text.Length);
        Dictionary<int, int>? unmerge = null;
        try
        {
            Split(text, ref symbols);
            for (var i = 1; i < symbols.Count; i++)
            {
                Propose(text, ref symbols, ref agenda, ref unmerge, i - 1, i);
            }

            while (agenda.Count > 0)
            {
                var top = Pop(ref agenda);
                ref var left = ref symbols[top.Left];
                ref var right = ref symbols[top.Right];
                if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
                {
                    continue;
                }

                left.Length += right.Length;
                left.Node = top.Node;
                left.Next = right.Next;
                if (right.Next >= 0)
                {
                    symbols[right.Next].Prev = top.Left;
                }

                right.Length = 0;
                Propose(text, ref symbols, ref agenda, ref unmerge, left.Prev, top.Left);
                Propose(text, ref symbols, ref agenda, ref unmerge, top.Left, left.Next);
            }

            for (var index = 0; index >= 0; index = symbols[index].Next)
            {
                Emit(text, symbols[index].Start, symbols[index].Length, unmerge, ref output);
            }
        }
        finally
        {
            symbols.Dispose();
            agenda.Dispose();
        }
    }

    private void Split(ReadOnlySpan<byte> text, ref PooledBuffer<Symbol> symbols)
    {
        var userDefined = _vocab.UserDefined;
        for (var position = 0; position < text.Length;)
        {
            var length = userDefined?.LongestPrefix(text[position..]) ?? 0;
            var frozen = length > 0;
            if (!frozen)
            {
                length = Math.Min(Utf8.OneCharLength(text[position]), text.Length - position);
            }

            var index = symbols.Count;
            symbols.Add(new Symbol
            {
                Start = position,
                Length = length,
                Prev = index - 1,
                Next = position + length < text.Length ? index + 1 : -1,
                Frozen = frozen,
                Node = Walk(DoubleArrayTrie.Root, text.Slice(position, length)),
            });
            position += length;
        }
    }

    private void Propose(ReadOnlySpan<byte> text, ref PooledBuffer<Symbol> symbols, ref PooledBuffer<Candidate> agenda,
        ref Dictionary<int, int>? unmerge, int left, int right)
    {
        if (left < 0 || right < 0 || symbols[left].Frozen || symbols[right].Frozen)
        {
            return;
        }

        var length = symbols[left].Length + symbols[right].Length;
        var node = Walk(symbols[left].Node, text.Slice(symbols[right].Start, symbols[right].Length));
        var id = node < 0 ? -1 : _vocab.Pieces.ValueAt(node);
        if (id < 0)
        {
            return;
        }

        Push(ref agenda, new Candidate(_vocab.Scores[id], left, right, length, node));
        if (_vocab.Types[id] == PieceType.Unused)
        {
            // Remembers how the unused piece was formed, to split it again on output.
            unmerge ??= new Dictionary<int, int>();
            unmerge[id] = symbols[left].Length;
        }
    }

    /// <summary>Follows <paramref name="bytes"/> down the vocabulary trie from <paramref name="node"/>; -1 off the trie.</summary>
    private int Walk(int node, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (node < 0)
            {
                break;
            }

            node = _vocab.Pieces.Next(node, b);
        }

        return node;
    }

    private void Emit(ReadOnlySpan<byte> text, int start, int length, Dictionary<int, int>? unmerge,
        ref PooledBuffer<Segment> output)
    {
        var id = _vocab.PieceToId(text.Slice(start, length));
        if (_vocab.Types[id] == PieceType.Unused && unmerge is not null && unmerge.TryGetValue(id, out var leftLength))
        {
            Emit(text, start, leftLength, unmerge, ref output);
            Emit(text, start + leftLength, length - leftLength, unmerge, ref output);
            return;
        }

        output.Add(new Segment(start, length, id));
    }

    private static bool Before(in Candidate a, in Candidate b) =>
        a.Score > b.Score || (a.Score == b.Score && a.Left < b.Left);

    private static void Push(ref PooledBuffer<Candidate> heap, Candidate item)
    {
        heap.Add(item);
        var i = heap.Count - 1;
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Before(heap[i], heap[parent]))
            {
                break;
            }

            (heap[i], heap[parent]) = (heap[parent], heap[i]);
            i = parent;
        }
    }

    private static Candidate Pop(ref PooledBuffer<Candidate> heap)
    {
        var top = heap[0];
        var last = heap.Count - 1;
        heap[0] = heap[last];
        heap.Truncate(last);
        var i = 0;
        while (true)
        {
            var l = (2 * i) + 1;
            if (l >= last)
            {
                break;
            }

            var r = l + 1;
            var child = r < last && Before(heap[r], heap[l]) ? r : l;
            if (!Before(heap[child], heap[i]))
            {
                break;
            }

            (heap[i], heap[child]) = (heap[child], heap[i]);
            i = child;
        }

        return top;
    }
}
