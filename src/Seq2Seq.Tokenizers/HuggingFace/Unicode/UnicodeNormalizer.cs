using System.Buffers.Binary;
using System.Text;

namespace Seq2Seq.Tokenizers.HuggingFace;

internal enum UnicodeForm
{
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

/// <summary>
/// The NFC, NFD, NFKC and NFKD normalizers of tokenizer.json. The service runs with invariant globalization,
/// where <see cref="string.Normalize()"/> leaves non-ASCII text unchanged, so this applies the Unicode
/// algorithm itself (decompose, order combining marks, recompose) over tables generated from Python's
/// unicodedata by generate_tables.py.
/// </summary>
internal sealed class UnicodeNormalizer(UnicodeForm form) : ITextNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Tables.Load);

    public string Normalize(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var tables = Data.Value;
        var compat = form is UnicodeForm.Nfkc or UnicodeForm.Nfkd;
        var runes = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            Decompose(rune.Value, compat, tables, runes);
        }

        OrderMarks(runes, tables);
        if (form is UnicodeForm.Nfc or UnicodeForm.Nfkc)
        {
            Compose(runes, tables);
        }

        var output = new StringBuilder(runes.Count);
        foreach (var cp in runes)
        {
            output.Append(new Rune(cp).ToString());
        }

        return output.ToString();
    }

    private static void Decompose(int cp, bool compat, Tables tables, List<int> output)
    {
        var s = cp - SBase;
        if (s is >= 0 and < SCount)
        {
            output.Add(LBase + (s / NCount));
            output.Add(VBase + (s % NCount / TCount));
            if (s % TCount != 0)
            {
                output.Add(TBase + (s % TCount));
            }

            return;
        }

        if ((compat && tables.Compatibility.TryGetValue(cp, out var mapping)) ||
            tables.Canonical.TryGetValue(cp, out mapping))
        {
            output.AddRange(mapping);
            return;
        }

        output.Add(cp);
    }

    /// <summary>Canonical ordering: a stable sort by combining class within each run of non-starters.</summary>
    private static void OrderMarks(List<int> runes, Tables tables)
    {
        for (var i = 1; i < runes.Count; i++)
        {
            var cls = tables.ClassOf(runes[i]);
            if (cls == 0)
            {
                continue;
            }

            var j = i;
            while (j > 0 && tables.ClassOf(runes[j - 1]) > cls)
            {
                (runes[j], runes[j - 1]) = (runes[j - 1], runes[j]);
                j--;
            }
        }
    }

    private static void Compose(List<int> runes, Tables tables)
    {
        if (runes.Count == 0)
        {
            return;
        }

        var starter = tables.ClassOf(runes[0]) == 0 ? 0 : -1;
        var write = 1;
        var lastClass = starter == 0 ? 0 : 256;
        for (var read = 1; read < runes.Count; read++)
        {
            var cp = runes[read];
            var cls = tables.ClassOf(cp);
            var blocked = starter < 0 || (lastClass != 0 && lastClass >= cls) || (lastClass == 0 && write - 1 != starter);
            if (!blocked && TryCompose(runes[starter], cp, tables, out var composite))
            {
                runes[starter] = composite;
                continue;
            }

            if (cls == 0)
            {
                starter = write;
            }

            lastClass = cls;
            runes[write++] = cp;
        }

        runes.RemoveRange(write, runes.Count - write);
    }

    private static bool TryCompose(int first, int second, Tables tables, out int composite)
    {
        var l = first - LBase;
        var v = second - VBase;
        if (l is >= 0 and < LCount && v is >= 0 and < VCount)
        {
            composite = SBase + (((l * VCount) + v) * TCount);
            return true;
        }

        var s = first - SBase;
        var t = second - TBase;
        if (s is >= 0 and < SCount && s % TCount == 0 && t is > 0 and < TCount)
        {
            composite = first + t;
            return true;
        }

        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private sealed class Tables
    {
        public Dictionary<int, byte> Classes { get; } = new();

        public Dictionary<int, int[]> Canonical { get; } = new();

        public Dictionary<int, int[]> Compatibility { get; } = new();

        public Dictionary<long, int> Compositions { get; } = new();

        public int ClassOf(int cp) => cp < 0x300 ? 0 : Classes.GetValueOrDefault(cp);

        public static Tables Load()
        {
            using var stream = typeof(UnicodeNormalizer).Assembly.GetManifestResourceStream("Seq2Seq.Tokenizers.UnicodeTables.bin")
                ?? throw new InvalidOperationException("Embedded resource UnicodeTables.bin is missing.");
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var data = memory.ToArray().AsSpan();
            var position = 0;
            int Next(ReadOnlySpan<byte> d)
            {
                var value = BinaryPrimitives.ReadInt32LittleEndian(d[position..]);
                position += 4;
                return value;
            }

            var tables = new Tables();
            var versionLength = Next(data);
            position += versionLength;
            for (var n = Next(data); n > 0; n--)
            {
                var cp = Next(data);
                tables.Classes[cp] = (byte)Next(data);
            }

            foreach (var map in new[] { tables.Canonical, tables.Compatibility })
            {
                for (var n = Next(data); n > 0; n--)
                {
                    var cp = Next(data);
                    var mapping = new int[Next(data)];
                    for (var i = 0; i < mapping.Length; i++)
                    {
                        mapping[i] = Next(data);
                    }

                    map[cp] = mapping;
                }
            }

            for (var n = Next(data); n > 0; n--)
            {
                var first = Next(data);
                var second = Next(data);
                tables.Compositions[((long)first << 21) | (uint)second] = Next(data);
            }

            return tables;
        }
    }
}
