using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// Recognises a bundle's family from its config.json: by model_type, or by architectures when an export leaves
/// model_type out. A bundle of no registered family is refused before any graph is opened.
/// </summary>
public sealed class FamilyRegistry(IReadOnlyList<ModelFamily> families)
{
    public IReadOnlyList<ModelFamily> Families { get; } = families;

    /// <summary>The family of the config.json at <paramref name="configPath"/> and the config read with its schema.</summary>
    /// <exception cref="ModelBundleException">No registered family reads it (the message lists them), or a field is wrong.</exception>
    public (ModelFamily Family, ModelConfig Config) Read(string configPath)
    {
        var json = JsonFile.Read(configPath);
        var family = Recognise(json);
        var modelType = json.OptionalString("model_type") ?? family.ModelTypes[0];
        return (family, ModelConfig.Read(json, modelType, family.Schema));
    }

    private ModelFamily Recognise(JsonFile json)
    {
        var modelType = json.OptionalString("model_type");
        if (modelType is not null)
        {
            return Families.FirstOrDefault(f => f.ModelTypes.Contains(modelType))
                ?? throw new ModelBundleException(json.Path, "model_type", $"is '{modelType}', which no registered family reads; supported: {Supported}.");
        }

        var architectures = json.OptionalStrings("architectures") ?? [];
        return Families.FirstOrDefault(f => f.Architectures.Intersect(architectures).Any())
            ?? throw new ModelBundleException(json.Path, "model_type",
                $"is missing, and architectures [{string.Join(", ", architectures)}] names no registered family; supported: {Supported}.");
    }

    private string Supported => string.Join("; ", Families);
}
