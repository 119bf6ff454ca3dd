namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// How a family's config.json states the model's shape. The token ids are read alike for every family
/// (<see cref="ModelConfig"/>); the shape is not, so each family brings its schema.
/// </summary>
public abstract record ConfigSchema
{
    /// <summary><paramref name="common"/> (model type and token ids) with the shape read from <paramref name="json"/>.</summary>
    /// <exception cref="ModelBundleException">A field is missing or out of range; names it.</exception>
    internal abstract ModelConfig Read(JsonFile json, ModelConfig common);
}
