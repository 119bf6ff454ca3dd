using System.Globalization;
using System.Text;
using ICU4N.Text;

namespace Seq2SeqService.Segmentation;

/// <summary>
/// The repeat guard's notion of "the same token" (docs/decoding.md#repeat-guard): a piece lowercased, without accents
/// and with every apostrophe written '. ICU decomposes the letters, since this service runs with invariant
/// globalization, where .NET's own normalization leaves "î" whole.
/// </summary>
public static class PieceFolding
{
    private static readonly Normalizer2 Decompose = Normalizer2.NFDInstance;

    public static string Key(string piece)
    {
        var decomposed = Decompose.Normalize(piece.ToLowerInvariant());
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                key.Append(c is '\u2019' or '\u2018' or '\u02BC' ? '\'' : c);
            }
        }

        return key.ToString();
    }
}
