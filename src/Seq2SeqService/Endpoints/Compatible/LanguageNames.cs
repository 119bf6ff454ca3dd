namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// English names of ISO 639-1 codes for the language lists. A table rather than CultureInfo because the
/// service runs with invariant globalization, which has no culture names.
/// </summary>
public static class LanguageNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ar"] = "Arabic", ["bg"] = "Bulgarian", ["cs"] = "Czech", ["da"] = "Danish", ["de"] = "German",
        ["el"] = "Greek", ["en"] = "English", ["es"] = "Spanish", ["et"] = "Estonian", ["fi"] = "Finnish",
        ["fr"] = "French", ["he"] = "Hebrew", ["hi"] = "Hindi", ["hu"] = "Hungarian", ["id"] = "Indonesian",
        ["it"] = "Italian", ["ja"] = "Japanese", ["ko"] = "Korean", ["lt"] = "Lithuanian", ["lv"] = "Latvian",
        ["nb"] = "Norwegian Bokmål", ["nl"] = "Dutch", ["no"] = "Norwegian", ["pl"] = "Polish",
        ["pt"] = "Portuguese", ["ro"] = "Romanian", ["ru"] = "Russian", ["sk"] = "Slovak", ["sl"] = "Slovenian",
        ["sv"] = "Swedish", ["th"] = "Thai", ["tr"] = "Turkish", ["uk"] = "Ukrainian", ["vi"] = "Vietnamese",
        ["zh"] = "Chinese",
    };

    /// <summary>The language's English name, or the code itself for a language outside the table.</summary>
    public static string Of(string code) => Names.TryGetValue(code, out var name) ? name : code;
}
