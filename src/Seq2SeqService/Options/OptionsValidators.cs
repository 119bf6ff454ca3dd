using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Microsoft.Extensions.Options;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Options;

/// <summary>Collects failures that name the configuration key, so a bad setting is found from one log line.</summary>
public sealed class SettingChecks(string section)
{
    private readonly List<string> _failures = [];

    public void Range(string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            _failures.Add($"{section}:{key} = {value} is outside [{min}, {max}]");
        }
    }

    public void Require(bool condition, string key, string problem)
    {
        if (!condition)
        {
            _failures.Add($"{section}:{key} {problem}");
        }
    }

    public ValidateOptionsResult Result() =>
        _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}

/// <summary>Validates one options class by its rules; registered per class with its section.</summary>
public sealed class RulesValidator<TOptions>(string section, Action<TOptions, SettingChecks> rules)
    : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var checks = new SettingChecks(section);
        rules(options, checks);
        return checks.Result();
    }
}

/// <summary>The allowed values of every setting.</summary>
public static class OptionsRules
{
    public static void Models(ModelsOptions options, SettingChecks checks)
    {
        checks.Require(options.Bundles.Count > 0, "Bundles", "must list at least one model bundle");
        for (var i = 0; i < options.Bundles.Count; i++)
        {
            checks.Require(!string.IsNullOrWhiteSpace(options.Bundles[i].Path), $"Bundles:{i}:Path", "is empty");
            checks.Require(BundleVariants.TryParse(options.Bundles[i].Variant, out _), $"Bundles:{i}:Variant",
                $"= '{options.Bundles[i].Variant}' is not auto, fp32 or quantized");
            checks.Require(BundleDrafts.TryParse(options.Bundles[i].Draft, out _), $"Bundles:{i}:Draft",
                $"= '{options.Bundles[i].Draft}' is not auto, required or none");
            checks.Range($"Bundles:{i}:DraftTokens", options.Bundles[i].DraftTokens, 1, DraftModel.MaxTokens);
            checks.Require(SentenceSplittingNames.Parse(options.Bundles[i].SplitSentences) is not null, $"Bundles:{i}:SplitSentences",
                $"= '{options.Bundles[i].SplitSentences}' is not {SentenceSplittingNames.Allowed}");
            checks.Range($"Bundles:{i}:MaxLengthFactor", options.Bundles[i].MaxLengthFactor, 0, 100);
            checks.Range($"Bundles:{i}:MaxLengthOffset", options.Bundles[i].MaxLengthOffset, 1, 65_536);
            checks.Range($"Bundles:{i}:RepeatGuard", options.Bundles[i].RepeatGuard, 0, GenerationSettings.MaxNgramSize);
        }

        var names = options.Bundles.Select(BundleNames.Of).ToList();
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            checks.Require(false, "Bundles", $"names the model '{duplicate.Key}' more than once");
        }

        if (options.Default is { } fallback)
        {
            checks.Require(names.Contains(fallback, StringComparer.OrdinalIgnoreCase), "Default",
                $"= '{fallback}' is not the name of a configured bundle ({string.Join(", ", names)})");
        }

        checks.Range(nameof(options.IntraOpThreads), options.IntraOpThreads, 0, 256);
        checks.Range(nameof(options.InterOpThreads), options.InterOpThreads, 0, 256);
    }

    public static void Batching(BatchingOptions options, SettingChecks checks)
    {
        checks.Range(nameof(options.MaxBatchSequences), options.MaxBatchSequences, 1, 1024);
        checks.Range(nameof(options.MaxCacheMegabytes), options.MaxCacheMegabytes, 1, 1 << 20);
        checks.Range(nameof(options.Lanes), options.Lanes, 0, 64);
        checks.Range(nameof(options.RequestTimeoutSeconds), options.RequestTimeoutSeconds, 0, 86_400);
        checks.Range(nameof(options.MaxTokensPerRequest), options.MaxTokensPerRequest, 1, long.MaxValue);
        checks.Range(nameof(options.DrainTimeoutSeconds), options.DrainTimeoutSeconds, 0, 600);
    }

    public static void Queue(QueueOptions options, SettingChecks checks)
    {
        checks.Range(nameof(options.Capacity), options.Capacity, 1, 1_000_000);
        checks.Range(nameof(options.MaxQueuedWork), options.MaxQueuedWork, 1, 1e12);
        checks.Range(nameof(options.RetryAfterSeconds), options.RetryAfterSeconds, 1, 3600);
    }

    public static void Limits(RequestLimitsOptions options, SettingChecks checks)
    {
        checks.Range(nameof(options.MaxTexts), options.MaxTexts, 1, 10_000);
        checks.Range(nameof(options.MaxTextLength), options.MaxTextLength, 1, 10_000_000);
        checks.Range(nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 64, 1L << 30);
        checks.Range(nameof(options.MaxBeams), options.MaxBeams, 1, 64);
        checks.Range(nameof(options.MaxNewTokens), options.MaxNewTokens, 1, 65_536);
        checks.Range(nameof(options.MaxRequestWork), options.MaxRequestWork, 1, 1e12);
    }

    public static void Documents(DocumentOptions options, SettingChecks checks)
    {
        checks.Range(nameof(options.MaxFileBytes), options.MaxFileBytes, 1, 1L << 30);
        checks.Range(nameof(options.MaxUnpackedBytes), options.MaxUnpackedBytes, 1, 1L << 32);
        checks.Range(nameof(options.MaxPackageEntries), options.MaxPackageEntries, 1, 1_000_000);
        checks.Range(nameof(options.TimeToLiveMinutes), options.TimeToLiveMinutes, 1, 60 * 24 * 30);
        checks.Range(nameof(options.RedisLeaseSeconds), options.RedisLeaseSeconds, 0.5, 3600);
    }

    public static void Server(ServerOptions options, SettingChecks checks)
    {
        if (options.MaxConcurrentConnections is { } connections)
        {
            checks.Range(nameof(options.MaxConcurrentConnections), connections, 1, 1_000_000);
        }

        checks.Require(options.OperatorKey is null || options.OperatorKey.Length >= 16, nameof(options.OperatorKey),
            "must be at least 16 characters when set");
        var origins = options.CorsOrigins;
        checks.Require(origins.All(o => o == "*" || IsOrigin(o)) && (origins.Count == 1 || !origins.Contains("*")),
            nameof(options.Cors), "must be '*', empty, or comma-separated origins such as https://a.example");
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.GetLeftPart(UriPartial.Authority) == value.TrimEnd('/');

    public static void Logging(LoggingOptions options, SettingChecks checks) =>
        checks.Require(Enum.IsDefined(options.ConsoleFormat), nameof(options.ConsoleFormat), "must be Text or Json");
}

/// <summary>The graphs a bundle's <c>Variant</c> setting selects.</summary>
public static class BundleVariants
{
    public const string Auto = "auto";

    /// <summary>A variant, or null for <c>auto</c> (the bundle's own choice, <see cref="VariantChoice.Preferred"/>).</summary>
    public static bool TryParse(string? value, out ModelVariant? variant)
    {
        variant = null;
        if (string.Equals(value, Auto, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var known = Enum.TryParse(value, ignoreCase: true, out ModelVariant parsed) && Enum.IsDefined(parsed);
        variant = known ? parsed : null;
        return known;
    }

    /// <summary>The setting's spelling of a variant, as /models shows it.</summary>
    public static string Name(ModelVariant variant) => variant.ToString().ToLowerInvariant();
}

/// <summary>The draft use a bundle's <c>Draft</c> setting selects.</summary>
public static class BundleDrafts
{
    public static bool TryParse(string? value, out DraftUse use) =>
        Enum.TryParse(value, ignoreCase: true, out use) && Enum.IsDefined(use);
}

/// <summary>The name a bundle answers to.</summary>
public static class BundleNames
{
    public static string Of(ModelBundleOptions bundle) =>
        !string.IsNullOrWhiteSpace(bundle.Name)
            ? bundle.Name
            : System.IO.Path.GetFileName(bundle.Path.TrimEnd('/', '\\'));
}
