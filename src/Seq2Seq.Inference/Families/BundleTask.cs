using System.Text.Json;
using System.Text.RegularExpressions;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Tokenizers;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// One task a T5 bundle was trained for, as config.json's task_specific_params names it: sources are written
/// after its prefix ("summarize: ", "translate English to French: "). A translation_{source}_to_{target} entry
/// is a language pair of ISO 639-1 codes. Its other fields are generation_config.json's (num_beams, max_length,
/// min_length, length_penalty, no_repeat_ngram_size, early_stopping): read alike over the bundle's defaults, they are
/// the task's defaults, which a request's options override.
/// </summary>
/// <param name="Name">The entry's name, e.g. "summarization" or "translation_en_to_fr".</param>
/// <param name="Prefix">What every source is written after.</param>
/// <param name="SourceLanguage">The pair's source language, for a translation entry.</param>
/// <param name="TargetLanguage">The pair's target language, for a translation entry.</param>
/// <param name="Tokenizer">The bundle's tokenizer writing the prefix before each source.</param>
/// <param name="Defaults">The bundle's generation defaults with the entry's fields applied.</param>
public sealed partial record BundleTask(string Name, string Prefix, string? SourceLanguage, string? TargetLanguage, ITokenizer Tokenizer,
    GenerationSettings Defaults)
{
    private const string Field = "task_specific_params";

    /// <summary>
    /// The tasks of config.json's task_specific_params that have a prefix, in file order; entries without one
    /// (BART's summarization settings) are no task of their own.
    /// </summary>
    /// <exception cref="ModelBundleException">task_specific_params, an entry's prefix or another field is not of the expected type or range.</exception>
    internal static IReadOnlyList<BundleTask> Read(JsonFile config, ITokenizer tokenizer, GenerationSettings defaults)
    {
        var tasks = new List<BundleTask>();
        foreach (var (name, entry) in config.OptionalMembers(Field) ?? [])
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("prefix", out var prefix) || prefix.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (prefix.ValueKind != JsonValueKind.String)
            {
                throw new ModelBundleException(config.Path, $"{Field}.{name}.prefix", $"must be a string, not {prefix.GetRawText()}.");
            }

            var pair = PairName().Match(name);
            tasks.Add(new BundleTask(name, prefix.GetString()!, pair.Success ? pair.Groups[1].Value : null,
                pair.Success ? pair.Groups[2].Value : null, new PrefixedTokenizer(tokenizer, prefix.GetString()!),
                GenerationDefaults.Over(config.Nested($"{Field}.{name}", entry), defaults)));
        }

        return tasks;
    }

    [GeneratedRegex("^translation_([a-z]{2})_to_([a-z]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex PairName();
}
