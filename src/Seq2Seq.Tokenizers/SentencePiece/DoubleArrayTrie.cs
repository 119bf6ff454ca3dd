namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// A byte-labelled trie stored as a double array (base/check), so that walking one byte is two array reads.
/// Used for the vocabulary in Viterbi and BPE, and for user-defined symbols.
/// </summary>
internal sealed class DoubleArrayTrie
{
    private readonly int[] _base;
    private readonly int[] _check;
    private readonly int[] _value;

    private DoubleArrayTrie(int[] @base, int[] check, int[] value)
    {
        _base = @base;
        _check = check;
        _value = value;
    }

    public const int Root = 0;

    /// <summary>Builds the trie; when a key occurs twice the first value is kept.</summary>
    public static DoubleArrayTrie Build(IEnumerable<(byte[] Key, int Value)> entries)
    {
        var nodes = new List<BuildNode> { new() };
        foreach (var (key, value) in entries)
        {
            var node = 0;
            foreach (var b in key)
            {
                var children = nodes[node].Children;
                if (!children.TryGetValue(b, out var child))
                {
                    child = nodes.Count;
                    nodes.Add(new BuildNode());
                    children.Add(b, child);
                }

                node = child;
            }

            if (nodes[node].Value < 0)
            {
                nodes[node].Value = value;
            }
        }

        return Layout(nodes);
    }

    /// <summary>Follows the edge labelled <paramref name="label"/>; -1 when there is none.</summary>
    public int Next(int node, byte label)
    {
        var target = _base[node] + label;
        return (uint)target < (uint)_check.Length && _check[target] == node ? target : -1;
    }

    /// <summary>The value stored for the key ending at <paramref name="node"/>, or -1.</summary>
    public int ValueAt(int node) => _value[node];

    /// <summary>The value of an exact key, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        var node = Root;
        foreach (var b in key)
        {
            node = Next(node, b);
            if (node < 0)
            {
                return -1;
            }
        }

        return _value[node];
    }

    /// <summary>The length of the longest key that is a prefix of <paramref name="text"/>, or 0.</summary>
    public int LongestPrefix(ReadOnlySpan<byte> text)
    {
        var node = Root;
        var longest = 0;
        for (var i = 0; i < text.Length; i++)
        {
            node = Next(node, text[i]);
            if (node < 0)
            {
                break;
            }

            if (_value[node] >= 0)
            {
                longest = i + 1;
            }
        }

        return longest;
    }

    private static DoubleArrayTrie Layout(List<BuildNode> nodes)
    {
        var capacity = Math.Max(512, nodes.Count * 2);
        var @base = new int[capacity];
        var check = new int[capacity];
        var value = new int[capacity];
        Array.Fill(check, -1);
        Array.Fill(value, -1);
        check[0] = 0;

        // Slots are placed breadth-first; `position[n]` is where build node n landed in the arrays.
        var position = new int[nodes.Count];
        var queue = new Queue<int>();
        queue.Enqueue(0);
        value[0] = nodes[0].Value;
        var firstFree = 1;
        var labels = new List<byte>();
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            var children = nodes[n].Children;
            if (children.Count == 0)
            {
                continue;
            }

            labels.Clear();
            labels.AddRange(children.Keys);
            labels.Sort();
            firstFree = NextFree(check, firstFree);

            // Only free slots can take the first label, so the search jumps from one free slot to the next
            // (a vectorized scan) instead of trying every base: one step per base made loading a 7k-piece
            // model take about 0.4 s.
            var b = Math.Max(1, firstFree - labels[0]);
            while (true)
            {
                var top = b + labels[^1];
                if (top >= check.Length)
                {
                    var grown = Math.Max(check.Length * 2, top + 257);
                    Array.Resize(ref @base, grown);
                    var oldLength = check.Length;
                    Array.Resize(ref check, grown);
                    Array.Resize(ref value, grown);
                    Array.Fill(check, -1, oldLength, grown - oldLength);
                    Array.Fill(value, -1, oldLength, grown - oldLength);
                }

                var fits = true;
                foreach (var label in labels)
                {
                    if (check[b + label] >= 0)
                    {
                        fits = false;
                        break;
                    }
                }

                if (fits)
                {
                    break;
                }

                b = NextFree(check, b + labels[0] + 1) - labels[0];
            }

            var slot = position[n];
            @base[slot] = b;
            foreach (var label in labels)
            {
                var child = children[label];
                var childSlot = b + label;
                check[childSlot] = slot;
                value[childSlot] = nodes[child].Value;
                position[child] = childSlot;
                queue.Enqueue(child);
            }
        }

        return new DoubleArrayTrie(@base, check, value);
    }

    /// <summary>The first free slot at or after <paramref name="from"/>; the array's length when none is left.</summary>
    private static int NextFree(int[] check, int from)
    {
        if (from >= check.Length)
        {
            return from;
        }

        var found = Array.IndexOf(check, -1, from);
        return found < 0 ? check.Length : found;
    }

    private sealed class BuildNode
    {
        public Dictionary<byte, int> Children { get; } = new();

        public int Value { get; set; } = -1;
    }
}
