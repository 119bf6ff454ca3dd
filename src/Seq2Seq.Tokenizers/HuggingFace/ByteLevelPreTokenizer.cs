using System.Globalization;
using System.Text;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// The "ByteLevel" pre-tokenizer: with add_prefix_space a segment not starting with a space gets one; with
/// use_regex it is cut as GPT-2's pattern cuts it (<see cref="WordEnd"/>); each word is then spelled in
/// <see cref="ByteLevelAlphabet"/>. trim_offsets moves offsets only, which the service does not report.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    public void PreTokenize(string normalized, bool atInputStart, List<string> output)
    {
        if (normalized.Length == 0)
        {
            return;
        }

        var text = addPrefixSpace && normalized[0] != ' ' ? " " + normalized : normalized;
        if (!useRegex)
        {
            output.Add(ByteLevelAlphabet.Spell(text));
            return;
        }

        var start = 0;
        while (start < text.Length)
        {
            var end = WordEnd(text, start);
            output.Add(ByteLevelAlphabet.Spell(text.AsSpan(start, end - start)));
            start = end;
        }
    }

    private enum Kind
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>
    /// The end of the word at <paramref name="start"/>, by the first alternative of GPT-2's pattern
    /// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> that matches there. Written
    /// out rather than as a .NET Regex because .NET's \p{L} and \s test UTF-16 units, not code points, and because
    /// \s is taken as Unicode's White_Space (as Oniguruma, which Hugging Face's tokenizers run, takes it).
    /// </summary>
    internal static int WordEnd(string text, int start)
    {
        if (text[start] == '\'' && Contraction(text, start + 1) is var length and > 0)
        {
            return start + 1 + length;
        }

        var runStart = text[start] == ' ' && start + 1 < text.Length && KindAt(text, start + 1).Kind != Kind.Space ? start + 1 : start;
        var (kind, _) = KindAt(text, runStart);
        var end = runStart;
        while (end < text.Length && KindAt(text, end) is var (k, width) && k == kind)
        {
            end += width;
        }

        if (kind != Kind.Space || end == text.Length)
        {
            return end;
        }

        // A whitespace run before a word leaves its last character to that word's match, unless it is that one character.
        var lastWidth = char.IsLowSurrogate(text[end - 1]) ? 2 : 1;
        return end - lastWidth > start ? end - lastWidth : end;
    }

    private static int Contraction(string text, int at)
    {
        var rest = text.AsSpan(at);
        return rest.StartsWith("re") || rest.StartsWith("ve") || rest.StartsWith("ll") ? 2
            : rest.Length > 0 && rest[0] is 's' or 't' or 'm' or 'd' ? 1
            : 0;
    }

    private static (Kind Kind, int Width) KindAt(string text, int index)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var width) != System.Buffers.OperationStatus.Done)
        {
            return (Kind.Other, 1);
        }

        if (IsWhiteSpace(rune.Value))
        {
            return (Kind.Space, width);
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => (Kind.Letter, width),
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => (Kind.Number, width),
            _ => (Kind.Other, width),
        };
    }

    /// <summary>Unicode's White_Space property.</summary>
    private static bool IsWhiteSpace(int c) =>
        c is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A or 0x2028 or 0x2029
            or 0x202F or 0x205F or 0x3000;
}
