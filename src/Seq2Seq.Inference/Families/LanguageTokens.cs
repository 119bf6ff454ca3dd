using System.Text.RegularExpressions;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// How a multilingual family spells languages in its vocabulary: special tokens of one shape, each standing for
/// an ISO 639-1 code. The source's token is written by the tokenizer's template, the target's is forced as the
/// first generated token. The shapes are the ones transformers.js recognises each tokenizer's language codes by.
/// </summary>
/// <param name="Name">The convention's name in messages.</param>
/// <param name="Pattern">What a language token looks like.</param>
/// <param name="IsoOf">The ISO 639-1 code a token stands for; null for one the service does not map.</param>
public sealed record LanguageTokens(string Name, Regex Pattern, Func<string, string?> IsoOf)
{
    /// <summary>NLLB-200's FLORES-200 codes (eng_Latn, fra_Latn, hin_Deva), mapped by <see cref="NllbLanguageCodes"/>.</summary>
    public static LanguageTokens Nllb { get; } = new("NLLB", new Regex("^[a-z]{3}_[A-Z][a-z]{3}$", RegexOptions.CultureInvariant),
        NllbLanguageCodes.IsoOf);

    /// <summary>M2M100's __en__, __fr__: the ISO 639-1 code itself (three-letter codes are left out).</summary>
    public static LanguageTokens M2M100 { get; } = new("M2M100", new Regex("^__[a-z]{2,3}__$", RegexOptions.CultureInvariant),
        token => token.Length == 6 ? token[2..4] : null);

    /// <summary>mBART's en_XX, fr_XX, hi_IN: the ISO 639-1 code before the region.</summary>
    public static LanguageTokens MBart { get; } = new("mBART", new Regex("^[a-z]{2}_[A-Z]{2}$", RegexOptions.CultureInvariant),
        token => token[..2]);

    public override string ToString() => Name;
}
