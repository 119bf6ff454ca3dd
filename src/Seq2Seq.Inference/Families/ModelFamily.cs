using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// One model family, registered once in <see cref="KnownFamilies"/>: how its config.json is recognised and
/// read, what runs its graphs and what tokenizes its text. Everything else (search, batching, the service) is
/// the same for every family.
/// </summary>
public sealed record ModelFamily
{
    /// <summary>The family's name in messages and docs, e.g. "marian".</summary>
    public required string Name { get; init; }

    /// <summary>What GET /models reports as the model's architecture, e.g. "transformer".</summary>
    public required string Architecture { get; init; }

    /// <summary>config.json model_type values of this family; the first is the one it states.</summary>
    public required IReadOnlyList<string> ModelTypes { get; init; }

    /// <summary>config.json architectures entries that identify the family when model_type is absent.</summary>
    public required IReadOnlyList<string> Architectures { get; init; }

    /// <summary>How its config.json states the shape.</summary>
    public required ConfigSchema Schema { get; init; }

    public required FamilyRunner Runner { get; init; }

    public required FamilyTokenizer Tokenizer { get; init; }

    /// <summary>
    /// How its multilingual bundles spell languages, tried in order; empty for a family whose bundles serve one
    /// pair (<see cref="BundleLanguages"/>).
    /// </summary>
    public IReadOnlyList<LanguageTokens> LanguageTokens { get; init; } = [];

    /// <summary>
    /// Whether its bundles' config.json task_specific_params prefixes name tasks and language pairs
    /// (<see cref="BundleTask"/>): T5 was trained on sources that begin with them.
    /// </summary>
    public bool TaskPrefixes { get; init; }

    public override string ToString() => $"{Name} (model_type {string.Join(", ", ModelTypes)})";
}
