namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>UTF-8 helpers with SentencePiece's exact rules (they decide where characters and pieces begin).</summary>
internal static class Utf8
{
    /// <summary>U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.</summary>
    public static ReadOnlySpan<byte> SpaceSymbol => "\u2581"u8;

    public static ReadOnlySpan<byte> ReplacementCharacter => "\uFFFD"u8;

    /// <summary>Character length from the lead byte alone, as SentencePiece's OneCharLen (1 for stray bytes).</summary>
    public static int OneCharLength(byte lead) => lead switch
    {
        < 0xC0 => 1,
        < 0xE0 => 2,
        < 0xF0 => 3,
        _ => 4,
    };

    /// <summary>
    /// Decodes one character; returns false for a malformed sequence, which then counts as one byte.
    /// A well-formed U+FFFD is valid.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> s, out int length)
    {
        length = 1;
        var b0 = s[0];
        if (b0 < 0x80)
        {
            return true;
        }

        if (s.Length >= 2 && (b0 & 0xE0) == 0xC0)
        {
            var cp = ((b0 & 0x1F) << 6) | (s[1] & 0x3F);
            if (IsTrail(s[1]) && cp >= 0x80)
            {
                length = 2;
                return true;
            }
        }
        else if (s.Length >= 3 && (b0 & 0xF0) == 0xE0)
        {
            var cp = ((b0 & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
            if (IsTrail(s[1]) && IsTrail(s[2]) && cp >= 0x800 && IsValidCodepoint(cp))
            {
                length = 3;
                return true;
            }
        }
        else if (s.Length >= 4 && (b0 & 0xF8) == 0xF0)
        {
            var cp = ((b0 & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
            if (IsTrail(s[1]) && IsTrail(s[2]) && IsTrail(s[3]) && cp >= 0x10000 && IsValidCodepoint(cp))
            {
                length = 4;
                return true;
            }
        }

        return false;
    }

    private static bool IsTrail(byte b) => (b & 0xC0) == 0x80;

    private static bool IsValidCodepoint(int cp) => cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
}
