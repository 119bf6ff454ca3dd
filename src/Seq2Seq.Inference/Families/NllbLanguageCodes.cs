namespace Seq2Seq.Inference.Families;

/// <summary>
/// ISO 639-1 codes and the FLORES-200 codes NLLB-200 names the same languages by, in the script the language is
/// mostly written in (Chinese as zho_Hans). docs/models.md lists the table; a bundle serves the codes among its
/// special tokens.
/// </summary>
public static class NllbLanguageCodes
{
    public static IReadOnlyDictionary<string, string> ByIso { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["af"] = "afr_Latn", ["am"] = "amh_Ethi", ["ar"] = "arb_Arab", ["be"] = "bel_Cyrl", ["bg"] = "bul_Cyrl",
        ["bn"] = "ben_Beng", ["ca"] = "cat_Latn", ["cs"] = "ces_Latn", ["cy"] = "cym_Latn", ["da"] = "dan_Latn",
        ["de"] = "deu_Latn", ["el"] = "ell_Grek", ["en"] = "eng_Latn", ["es"] = "spa_Latn", ["et"] = "est_Latn",
        ["eu"] = "eus_Latn", ["fa"] = "pes_Arab", ["fi"] = "fin_Latn", ["fr"] = "fra_Latn", ["ga"] = "gle_Latn",
        ["gl"] = "glg_Latn", ["gu"] = "guj_Gujr", ["he"] = "heb_Hebr", ["hi"] = "hin_Deva", ["hr"] = "hrv_Latn",
        ["hu"] = "hun_Latn", ["hy"] = "hye_Armn", ["id"] = "ind_Latn", ["is"] = "isl_Latn", ["it"] = "ita_Latn",
        ["ja"] = "jpn_Jpan", ["ka"] = "kat_Geor", ["kk"] = "kaz_Cyrl", ["km"] = "khm_Khmr", ["kn"] = "kan_Knda",
        ["ko"] = "kor_Hang", ["lt"] = "lit_Latn", ["lv"] = "lvs_Latn", ["mk"] = "mkd_Cyrl", ["ml"] = "mal_Mlym",
        ["mr"] = "mar_Deva", ["ms"] = "zsm_Latn", ["my"] = "mya_Mymr", ["ne"] = "npi_Deva", ["nl"] = "nld_Latn",
        ["no"] = "nob_Latn", ["pa"] = "pan_Guru", ["pl"] = "pol_Latn", ["pt"] = "por_Latn", ["ro"] = "ron_Latn",
        ["ru"] = "rus_Cyrl", ["si"] = "sin_Sinh", ["sk"] = "slk_Latn", ["sl"] = "slv_Latn", ["sq"] = "als_Latn",
        ["sr"] = "srp_Cyrl", ["sv"] = "swe_Latn", ["sw"] = "swh_Latn", ["ta"] = "tam_Taml", ["te"] = "tel_Telu",
        ["th"] = "tha_Thai", ["tl"] = "tgl_Latn", ["tr"] = "tur_Latn", ["uk"] = "ukr_Cyrl", ["ur"] = "urd_Arab",
        ["uz"] = "uzn_Latn", ["vi"] = "vie_Latn", ["zh"] = "zho_Hans", ["zu"] = "zul_Latn",
    };

    private static readonly Dictionary<string, string> IsoByCode = ByIso.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>The ISO 639-1 code of an NLLB code; null for one the table leaves out.</summary>
    public static string? IsoOf(string code) => IsoByCode.GetValueOrDefault(code);
}
