namespace Seq2SeqService.Catalog;

/// <summary>Finds the model a request names, or the one for the language pair it asks for, or records why it cannot.</summary>
public static class ModelSelection
{
    /// <summary>
    /// The model named <paramref name="name"/> (the default when null) translating <paramref name="source"/> →
    /// <paramref name="target"/> (ISO 639-1 codes; a side left null is the model's own). Without a name, the first
    /// loaded model that translates the pair.
    /// </summary>
    public static ITranslationModel? Resolve(IModelCatalog catalog, string? name, IDictionary<string, string[]> errors,
        string? source = null, string? target = null)
    {
        ITranslationModel? named = null;
        if (name is not null && !catalog.TryGet(name, out named))
        {
            errors["model"] = [$"'{Errors.Echo.Truncate(name)}' is not a loaded model; loaded: {string.Join(", ", catalog.Models.Select(m => m.Name))}."];
            return null;
        }

        if (source is null && target is null)
        {
            return named ?? catalog.Default;
        }

        foreach (var model in named is null ? catalog.Models : [named])
        {
            if (Code(source ?? model.SourceLanguage) is { } from && Code(target ?? model.TargetLanguage) is { } to &&
                model.ForPair(from, to) is { } pair)
            {
                return pair;
            }
        }

        var asked = $"{Errors.Echo.Truncate(source ?? "(its source)")} → {Errors.Echo.Truncate(target ?? "(its target)")}";
        errors[target is null ? "source_language" : "target_language"] =
            [named is null
                ? $"no loaded model translates {asked}; served: {Served(catalog.Models)}."
                : $"model '{named.Name}' does not translate {asked}; served: {Served([named])}."];
        return null;
    }

    /// <summary>
    /// <paramref name="model"/> doing <paramref name="task"/>, or null with the reason in <paramref name="errors"/>: it
    /// has no such task (the message lists its tasks), or the request named languages too (<paramref name="withLanguages"/>),
    /// which choose a translation task themselves.
    /// </summary>
    public static ITranslationModel? ForTask(ITranslationModel model, string task, bool withLanguages, IDictionary<string, string[]> errors)
    {
        if (withLanguages)
        {
            errors["task"] = ["cannot be combined with source_language or target_language: a translation task's languages choose it; send one or the other."];
            return null;
        }

        if (model.ForTask(task) is { } view)
        {
            return view;
        }

        errors["task"] = [model.Tasks.Count == 0
            ? $"'{Errors.Echo.Truncate(task)}' is not a task of model '{model.Name}', which has none."
            : $"'{Errors.Echo.Truncate(task)}' is not a task of model '{model.Name}'; its tasks: {string.Join(", ", model.Tasks.Select(t => t.Name))}."];
        return null;
    }

    /// <summary>What each model translates, for messages: its pair, or any two of its languages.</summary>
    public static string Served(IEnumerable<ITranslationModel> models) => string.Join("; ", models.Select(m =>
        m.Languages.Count > 0 ? $"{m.Name}: any two of {string.Join(", ", m.Languages)}"
        : m.Tasks.Any(t => t.Source is not null) ? $"{m.Name}: {string.Join(", ", m.Tasks.Where(t => t.Source is not null).Select(t => $"{t.Source} → {t.Target}"))}"
        : m.SourceLanguage is not null && m.TargetLanguage is not null ? $"{m.Name}: {m.SourceLanguage} → {m.TargetLanguage}"
        : $"{m.Name}: no stated languages"));

    private static string? Code(string? language) => language?.Trim().ToLowerInvariant();
}
