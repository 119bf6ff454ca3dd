namespace Seq2SeqService.Endpoints.DeepL;

/// <summary>Between DeepL's upper-case, sometimes regional codes and the models' lower-case ISO 639-1 codes.</summary>
public static class DeepLLanguageCodes
{
    /// <summary>DeepL's target variants of languages it only offers regionally.</summary>
    private static readonly Dictionary<string, (string Code, string Name)[]> TargetVariants = new(StringComparer.Ordinal)
    {
        ["en"] = [("EN-GB", "English (British)"), ("EN-US", "English (American)")],
        ["pt"] = [("PT-BR", "Portuguese (Brazilian)"), ("PT-PT", "Portuguese (European)")],
    };

    /// <summary><c>EN-GB</c>, <c>en</c>, <c>ZH-HANS</c> → <c>en</c>, <c>en</c>, <c>zh</c>.</summary>
    public static string ToModel(string deepl)
    {
        var code = deepl.Trim();
        var dash = code.IndexOf('-');
        return (dash < 0 ? code : code[..dash]).ToLowerInvariant();
    }

    public static string ToDeepL(string model) => model.ToUpperInvariant();

    /// <summary>The codes DeepL clients expect in a target list for one model language.</summary>
    public static IEnumerable<(string Code, string Name)> TargetCodes(string model, string name) =>
        TargetVariants.TryGetValue(model, out var variants) ? variants : [(ToDeepL(model), name)];
}
