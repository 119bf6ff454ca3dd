using System.Text;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>A candidate language and how sure the detector is, from 0 to 100.</summary>
public sealed record DetectedLanguage(string Language, double Confidence);

/// <summary>
/// Picks among the languages the models accept, so "auto" can only resolve to a language the service can
/// translate. Each language has a writing system and, for languages sharing the Latin or Cyrillic script,
/// a few very frequent function words: the score is the share of letters in the language's script, weighted
/// by how many of the words are that language's function words. Coarse on purpose: it separates scripts
/// reliably and the common European languages for sentences, not single words.
/// </summary>
public static class LanguageDetector
{
    private enum Script
    {
        Latin,
        Cyrillic,
        Greek,
        Arabic,
        Hebrew,
        Han,
        Kana,
        Hangul,
        Devanagari,
        Thai,
        Other,
    }

    private sealed record Profile(Script[] Scripts, HashSet<string> Words);

    private static readonly Dictionary<string, Profile> Profiles = new(StringComparer.Ordinal)
    {
        ["en"] = Latin("the a an and of to in is are was it that this for on with you i my your not at be have what where how from by"),
        ["fr"] = Latin("l d j qu c n le la les de des du un une et est en que qui dans pour pas sur au aux avec ce il elle je nous vous ne se sont où mon"),
        ["de"] = Latin("der die das und ist nicht ein eine ich du sie es wir zu mit auf den dem von für im sich auch wie wo"),
        ["es"] = Latin("el la los las de del y que en un una es por con no se para su al lo como está dónde yo"),
        ["it"] = Latin("il la di che e è un una per non in del della con sono sul lo gli le dove io"),
        ["pt"] = Latin("o a os as de do da que e é um uma em não para com no na por se eu onde está"),
        ["nl"] = Latin("de het een en van is dat niet ik je op te met voor zijn er waar wat"),
        ["ru"] = new([Script.Cyrillic], Words("и в не на я что он с это как по но она к у мы вы где")),
        ["uk"] = new([Script.Cyrillic], Words("і в не на я що він з це як але вона до у ми ви де")),
        ["el"] = new([Script.Greek], []),
        ["ar"] = new([Script.Arabic], []),
        ["he"] = new([Script.Hebrew], []),
        ["zh"] = new([Script.Han], []),
        ["ja"] = new([Script.Kana, Script.Han], []),
        ["ko"] = new([Script.Hangul], []),
        ["hi"] = new([Script.Devanagari], []),
        ["th"] = new([Script.Thai], []),
    };

    /// <summary>Every candidate with its confidence, most likely first (catalog order among equals).</summary>
    public static IReadOnlyList<DetectedLanguage> Detect(string text, IReadOnlyList<string> candidates)
    {
        var scripts = new Dictionary<Script, int>();
        var letters = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                letters++;
                var script = ScriptOf(rune);
                scripts[script] = scripts.GetValueOrDefault(script) + 1;
            }
        }

        var words = Tokenize(text);
        return candidates
            .Select((language, order) => (Result: new DetectedLanguage(language,
                Math.Round(100 * Score(ProfileOf(language), scripts, letters, words), 1)), Order: order))
            .OrderByDescending(c => c.Result.Confidence)
            .ThenBy(c => c.Order)
            .Select(c => c.Result)
            .ToList();
    }

    private static double Score(Profile profile, Dictionary<Script, int> scripts, int letters, List<string> words)
    {
        if (letters == 0)
        {
            return 0;
        }

        var scriptShare = profile.Scripts.Sum(s => scripts.GetValueOrDefault(s)) / (double)letters;
        if (profile.Words.Count == 0 || words.Count == 0)
        {
            return scriptShare;
        }

        // Function words make up around half of running text, so half counts as certain; saturating any
        // earlier would let languages that share short words (fr/es "la", "de", "en") tie.
        var wordShare = words.Count(profile.Words.Contains) / (double)words.Count;
        return scriptShare * (0.25 + 0.75 * Math.Min(1, 2 * wordShare));
    }

    private static Profile ProfileOf(string language) =>
        Profiles.TryGetValue(language, out var profile) ? profile : new Profile([Script.Latin], []);

    private static Profile Latin(string words) => new([Script.Latin], Words(words));

    private static HashSet<string> Words(string words) =>
        new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private static List<string> Tokenize(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.ToLowerInvariant().EnumerateRunes())
        {
            if (Rune.IsLetter(rune) || rune.Value == '\'')
            {
                word.Append(rune.ToString());
            }
            else if (word.Length > 0)
            {
                words.AddRange(word.ToString().Split('\'', StringSplitOptions.RemoveEmptyEntries));
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.AddRange(word.ToString().Split('\'', StringSplitOptions.RemoveEmptyEntries));
        }

        return words;
    }

    private static Script ScriptOf(Rune rune) => rune.Value switch
    {
        <= 0x024F or (>= 0x1E00 and <= 0x1EFF) => Script.Latin,
        >= 0x0370 and <= 0x03FF => Script.Greek,
        >= 0x0400 and <= 0x052F => Script.Cyrillic,
        >= 0x0590 and <= 0x05FF => Script.Hebrew,
        (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) => Script.Arabic,
        >= 0x0900 and <= 0x097F => Script.Devanagari,
        >= 0x0E00 and <= 0x0E7F => Script.Thai,
        >= 0x1100 and <= 0x11FF or (>= 0xAC00 and <= 0xD7AF) => Script.Hangul,
        >= 0x3040 and <= 0x30FF => Script.Kana,
        (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) => Script.Han,
        _ => Script.Other,
    };
}
