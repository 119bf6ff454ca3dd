using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;
using Seq2Seq.Tokenizers;
using Seq2Seq.Tokenizers.Marian;

namespace Seq2Seq.Inference;

/// <summary>
/// A loaded encoder–decoder bundle: its configuration, default generation settings and ONNX sessions.
/// Thread-safe: any number of cohorts may run at once.
/// </summary>
public sealed class TranslationModel : IDisposable
{
    private TranslationModel(string name, BundleFiles files, ModelConfig config, GenerationSettings defaults, IModelRunner runner,
        ITokenizer tokenizer, string? sourceLanguage, string? targetLanguage)
    {
        Tokenizer = tokenizer;
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

    /// <summary>The bundle's Marian tokenizer (source.spm, target.spm, vocab.json).</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>tokenizer_config.json's source_lang, when the bundle states it.</summary>
    public string? SourceLanguage { get; }

    /// <summary>tokenizer_config.json's target_lang, when the bundle states it.</summary>
    public string? TargetLanguage { get; }

    /// <summary>The most source tokens (eos included) one input may have.</summary>
    public int MaxSourceTokens => Config.MaxPositionEmbeddings;

    /// <summary>Which graphs run: the float ones or the int8 ones.</summary>
    public ModelVariant Variant => Files.Variant;

    /// <summary>
    /// Loads and checks a bundle folder: the Optimum layout (or with the graphs under onnx/), or the recurrent
    /// one when config.json says so.
    /// </summary>
    /// <exception cref="ModelBundleException">A file is missing or does not match config.json; names it.</exception>
    public static TranslationModel Load(string folder, RunnerOptions? options = null, ModelVariant variant = ModelVariant.Fp32)
    {
        var config = ModelConfig.Read(BundleFiles.LocateConfig(folder));
        var files = BundleFiles.Locate(folder, config.IsRecurrent, variant);
        var defaults = GenerationDefaults.Read(files.GenerationConfig, files.Config, config);
        string? source = null, target = null;
        var tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            var json = JsonFile.Read(tokenizerConfig);
            source = json.OptionalString("source_lang");
            target = json.OptionalString("target_lang");
        }

        // The tokenizer loads beside the sessions: both are CPU-bound and independent (start-up time).
        var loadingTokenizer = Task.Run(() => LoadTokenizer(folder, config));
        IModelRunner runner;
        try
        {
            runner = config.IsRecurrent
                ? RecurrentModelRunner.Open(files, config, options)
                : OnnxModelRunner.Open(files, config, options);
        }
        catch
        {
            // The runner's error is the one reported; the tokenizer's, if any, must still be observed.
            loadingTokenizer.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }

        ITokenizer tokenizer;
        try
        {
            tokenizer = loadingTokenizer.GetAwaiter().GetResult();
        }
        catch
        {
            runner.Dispose();
            throw;
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return new TranslationModel(name, files, config, defaults, runner, tokenizer, source, target);
    }

    /// <summary>Source ids of <paramref name="text"/>, eos included.</summary>
    /// <exception cref="SourceTooLongException">More tokens than the model's positions.</exception>
    public int[] EncodeSource(string text)
    {
        var ids = Tokenizer.Encode(text).Ids;
        return ids.Length <= MaxSourceTokens ? ids : throw new SourceTooLongException(ids.Length, MaxSourceTokens);
    }

    /// <summary>
    /// The attention of <paramref name="sequence"/> (generated with <see cref="GenerationRequest.ReturnAttention"/>)
    /// with the pieces of <paramref name="sourceIds"/> and of its tokens; null when it carries none.
    /// </summary>
    public TokenAttention? DescribeAttention(IReadOnlyList<int> sourceIds, GeneratedSequence sequence) =>
        sequence.Attention is { } weights
            ? new TokenAttention([.. sourceIds.Select(Tokenizer.IdToPiece)], [.. sequence.TokenIds.Select(Tokenizer.IdToPiece)], weights)
            : null;

    /// <summary>Text of a generated sequence, special tokens left out.</summary>
    public string DecodeOutput(GeneratedSequence sequence) => Tokenizer.Decode(sequence.TokenIds);

    /// <summary>Translates the texts as one batch and returns the best sequence's text for each.</summary>
    public string[] Translate(IReadOnlyList<string> texts, GenerationOptions? options = null)
    {
        var settings = Settings(options);
        var results = Generate([.. texts.Select(t => new GenerationRequest(EncodeSource(t), settings))]);
        return [.. results.Select(r => DecodeOutput(r.Sequences[0]))];
    }

    private static ITokenizer LoadTokenizer(string folder, ModelConfig config)
    {
        MarianTokenizer tokenizer;
        try
        {
            tokenizer = MarianTokenizer.Load(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new ModelBundleException(Path.Combine(folder, "vocab.json"), null, $"(with source.spm and target.spm) cannot be loaded: {e.Message}", e);
        }

        if (tokenizer.VocabSize != config.VocabSize || tokenizer.EosId != config.EosTokenId || tokenizer.PadId != config.PadTokenId)
        {
            throw new ModelBundleException(Path.Combine(folder, "vocab.json"), null,
                $"has {tokenizer.VocabSize} ids (eos {tokenizer.EosId}, pad {tokenizer.PadId}), but config.json says vocab_size {config.VocabSize} (eos {config.EosTokenId}, pad {config.PadTokenId}).");
        }

        return tokenizer;
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
