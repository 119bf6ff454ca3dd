using Seq2SeqService.Catalog;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// The language pairs the loaded models translate, as lower-case codes. Models without declared languages
/// serve only the native API, which names models rather than languages.
/// </summary>
public sealed class LanguagePairs
{
    private readonly List<(string Source, string Target, string Model)> _pairs;

    public LanguagePairs(IModelCatalog catalog)
    {
        _pairs = [.. catalog.Models.SelectMany(m => Of(m).Select(p => (p.Source, p.Target, m.Name)))];
    }

    /// <summary>
    /// Every pair <paramref name="model"/> translates: its own stated pair first, then, for a multilingual model,
    /// every other ordered pair of two of its languages, and the pairs of its translation tasks.
    /// </summary>
    public static IEnumerable<(string Source, string Target)> Of(ITranslationModel model)
    {
        var own = string.IsNullOrWhiteSpace(model.SourceLanguage) || string.IsNullOrWhiteSpace(model.TargetLanguage)
            ? ((string, string)?)null
            : (Normalize(model.SourceLanguage), Normalize(model.TargetLanguage));
        var all = (from source in model.Languages from target in model.Languages where source != target select (source, target))
            .Concat(from task in model.Tasks where task.Source is not null && task.Target is not null select (task.Source, task.Target));
        return (own is { } pair ? all.Prepend(pair) : all).Distinct();
    }

    /// <summary>Source languages in catalog order.</summary>
    public IReadOnlyList<string> Sources => _pairs.Select(p => p.Source).Distinct().ToList();

    /// <summary>Target languages in catalog order.</summary>
    public IReadOnlyList<string> Targets => _pairs.Select(p => p.Target).Distinct().ToList();

    public IReadOnlyList<string> TargetsOf(string source) =>
        _pairs.Where(p => p.Source == Normalize(source)).Select(p => p.Target).Distinct().ToList();

    public IReadOnlyList<string> SourcesFor(string target) =>
        _pairs.Where(p => p.Target == Normalize(target)).Select(p => p.Source).Distinct().ToList();

    /// <summary>The first model (catalog order) for the pair, or <see langword="null"/>.</summary>
    public string? ModelFor(string source, string target) =>
        _pairs.FirstOrDefault(p => p.Source == Normalize(source) && p.Target == Normalize(target)).Model;

    public static string Normalize(string code) => code.Trim().ToLowerInvariant();
}
