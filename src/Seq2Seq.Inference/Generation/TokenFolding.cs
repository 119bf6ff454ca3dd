namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Groups a vocabulary's ids whose pieces a caller-given key makes equal (the service folds case, accents and the
/// apostrophe's shape, so "▁S" and "▁s", "plaît" and "plait" share a group). The repeat guard compares outputs through
/// these groups: a looping model varies exactly such details ("S'il vous plaît, s’il vous plait"), which bans of exact
/// ids miss.
/// </summary>
public sealed class TokenFolding
{
    private readonly int[] _group;
    private readonly Dictionary<int, int[]> _members;

    private TokenFolding(int[] group, Dictionary<int, int[]> members)
    {
        _group = group;
        _members = members;
    }

    /// <summary>The grouping of the ids 0 … <paramref name="vocabSize"/> − 1 by the key <paramref name="keyOf"/> gives each.</summary>
    public static TokenFolding Of(int vocabSize, Func<int, string> keyOf)
    {
        var group = new int[vocabSize];
        var first = new Dictionary<string, int>(vocabSize, StringComparer.Ordinal);
        for (var id = 0; id < vocabSize; id++)
        {
            var key = keyOf(id);
            group[id] = first.TryAdd(key, id) ? id : first[key];
        }

        var members = group.Select((g, id) => (g, id)).GroupBy(p => p.g).Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, g => g.Select(p => p.id).ToArray());
        return new TokenFolding(group, members);
    }

    /// <summary>The id that stands for <paramref name="id"/>'s group (its lowest member).</summary>
    public int GroupOf(int id) => _group[id];

    /// <summary>Every id of the group <paramref name="group"/> stands for.</summary>
    /// <remarks>A group of one is its own id, which <c>_group</c> holds at that index: no array per lone id.</remarks>
    public ReadOnlySpan<int> Members(int group) => _members.TryGetValue(group, out var ids) ? ids : new ReadOnlySpan<int>(in _group[group]);
}
