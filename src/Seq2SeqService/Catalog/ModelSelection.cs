namespace Seq2SeqService.Catalog;

/// <summary>Finds the model a request names, or records why it cannot.</summary>
public static class ModelSelection
{
    public static ITranslationModel? Resolve(IModelCatalog catalog, string? name, IDictionary<string, string[]> errors)
    {
        if (name is null)
        {
            return catalog.Default;
        }

        if (catalog.TryGet(name, out var model))
        {
            return model;
        }

        errors["model"] = [$"'{Errors.Echo.Truncate(name)}' is not a loaded model; loaded: {string.Join(", ", catalog.Models.Select(m => m.Name))}."];
        return null;
    }
}
