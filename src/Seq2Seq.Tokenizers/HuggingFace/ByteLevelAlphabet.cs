using System.Text;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// The byte-level BPE alphabet (GPT-2, RoBERTa, BART): every byte is spelled by one printable character, so that
/// the vocabulary holds any UTF-8 text. Printable Latin-1 bytes (! to ~, ¡ to ¬, ® to ÿ) stand for themselves; the
/// others take the characters from U+0100 on, in byte order (a space is Ġ, a newline Ċ).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildTable();
    private static readonly Dictionary<char, byte> ByteOfChar = CharOfByte.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each as its alphabet character.</summary>
    public static string Spell(ReadOnlySpan<char> text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToArray());
        return string.Create(bytes.Length, bytes, (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = CharOfByte[source[i]];
            }
        });
    }

    /// <summary>
    /// Appends the bytes <paramref name="token"/> spells; a token with a character outside the alphabet (an added
    /// token's own text) stands for its UTF-8 bytes instead, as Hugging Face's decoder takes it.
    /// </summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        var start = bytes.Count;
        foreach (var c in token)
        {
            if (!ByteOfChar.TryGetValue(c, out var b))
            {
                bytes.RemoveRange(start, bytes.Count - start);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }

            bytes.Add(b);
        }
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}
