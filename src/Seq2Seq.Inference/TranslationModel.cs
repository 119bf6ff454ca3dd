using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference;

/// <summary>
/// A loaded encoder–decoder bundle: its configuration, default generation settings and ONNX sessions.
/// Thread-safe: any number of cohorts may run at once.
/// </summary>
public sealed class TranslationModel : IDisposable
{
    private TranslationModel(string name, BundleFiles files, ModelConfig config, GenerationSettings defaults, IModelRunner runner,
        string? sourceLanguage, string? targetLanguage)
    {
        Name = name;
        Files = files;
        Config = config;
        DefaultSettings = defaults;
        Runner = runner;
        SourceLanguage = sourceLanguage;
        TargetLanguage = targetLanguage;
    }

    /// <summary>The bundle folder's name, e.g. "marian-tatoeba-en-fr".</summary>
    public string Name { get; }

    public BundleFiles Files { get; }

    public ModelConfig Config { get; }

    /// <summary>From generation_config.json, validated.</summary>
    public GenerationSettings DefaultSettings { get; }

    public IModelRunner Runner { get; }

    /// <summary>tokenizer_config.json's source_lang, when the bundle states it.</summary>
    public string? SourceLanguage { get; }

    /// <summary>tokenizer_config.json's target_lang, when the bundle states it.</summary>
    public string? TargetLanguage { get; }

    /// <summary>The most source tokens (eos included) one input may have.</summary>
    public int MaxSourceTokens => Config.MaxPositionEmbeddings;

    /// <summary>Loads and checks a bundle folder in the Optimum layout.</summary>
    /// <exception cref="ModelBundleException">A file is missing or does not match config.json; names it.</exception>
    public static TranslationModel Load(string folder, RunnerOptions? options = null)
    {
        var files = BundleFiles.Locate(folder);
        var config = ModelConfig.Read(files.Config);
        var defaults = GenerationDefaults.Read(files.GenerationConfig, files.Config, config);
        string? source = null, target = null;
        var tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            var json = JsonFile.Read(tokenizerConfig);
            source = json.OptionalString("source_lang");
            target = json.OptionalString("target_lang");
        }

        var runner = OnnxModelRunner.Open(files, config, options);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return new TranslationModel(name, files, config, defaults, runner, source, target);
    }

    /// <summary>The defaults with a call's overrides applied.</summary>
    /// <exception cref="InvalidGenerationSettingException">An override is out of range; names the parameter.</exception>
    public GenerationSettings Settings(GenerationOptions? options) => DefaultSettings.With(options);

    /// <summary>Encodes the requests as one batch and returns the cohort, ready for its first decoder step.</summary>
    public GenerationCohort Start(IReadOnlyList<GenerationRequest> requests) => GenerationCohort.Start(Runner, requests);

    /// <summary>Generates for the requests as one batch, to completion; results in request order.</summary>
    public GenerationResult[] Generate(IReadOnlyList<GenerationRequest> requests) => Generator.Generate(Runner, requests);

    public void Dispose() => Runner.Dispose();
}
