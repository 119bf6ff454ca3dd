using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Families;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Inference.Runtime;
using Seq2Seq.Tokenizers;

namespace Seq2Seq.Inference;

/// <summary>
/// A loaded encoder–decoder bundle: its configuration, default generation settings and ONNX sessions.
/// Thread-safe: any number of cohorts may run at once.
/// </summary>
public sealed class TranslationModel : IDisposable
{
    private TranslationModel(string name, ModelFamily family, BundleFiles files, ModelConfig config, GenerationSettings defaults,
        IModelRunner runner, DraftModel? draft, ITokenizer tokenizer, string? sourceLanguage, string? targetLanguage, BundleLanguages? languages,
        IReadOnlyList<BundleTask> tasks)
    {
        Languages = languages;
        Tasks = tasks;
        Family = family;
        Draft = draft;
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

    /// <summary>The registered family config.json names (<see cref="KnownFamilies"/>).</summary>
    public ModelFamily Family { get; }

    public BundleFiles Files { get; }

    public ModelConfig Config { get; }

    /// <summary>From generation_config.json, validated.</summary>
    public GenerationSettings DefaultSettings { get; }

    public IModelRunner Runner { get; }

    /// <summary>The int8 graphs of the same bundle guessing ahead for lone greedy requests; null when not used.</summary>
    public DraftModel? Draft { get; }

    /// <summary>The tokenizer of the bundle's family.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The languages of a multilingual bundle (any ordered pair of them is served); null for one pair.</summary>
    public BundleLanguages? Languages { get; }

    /// <summary>The tasks of a bundle whose family has task prefixes (T5), in config.json's order; empty for others.</summary>
    public IReadOnlyList<BundleTask> Tasks { get; }

    /// <summary>
    /// tokenizer_config.json's source_lang, when the bundle states it: what requests that name no language are
    /// translated from (a multilingual bundle's language token, as its ISO code).
    /// </summary>
    public string? SourceLanguage { get; }

    /// <summary>tokenizer_config.json's target_lang, when the bundle states it (as <see cref="SourceLanguage"/>).</summary>
    public string? TargetLanguage { get; }

    /// <summary>The most source tokens (eos included) one input may have.</summary>
    public int MaxSourceTokens => Config.MaxPositionEmbeddings;

    /// <summary>Which graphs run: the float ones or the int8 ones.</summary>
    public ModelVariant Variant => Files.Variant;

    /// <summary>
    /// Loads and checks a bundle folder of a registered family (<see cref="KnownFamilies"/>), which config.json
    /// names: the family's layout (graphs in the folder or under onnx/), runner and tokenizer.
    /// </summary>
    /// <param name="folder">The bundle folder.</param>
    /// <param name="options">ONNX Runtime settings for every session.</param>
    /// <param name="variant">Which graphs answer requests.</param>
    /// <param name="draft">Whether to load the bundle's int8 graphs as a draft (<see cref="DraftUse"/>).</param>
    /// <param name="draftTokens">Tokens the draft guesses per decoder call.</param>
    /// <exception cref="ModelBundleException">
    /// A file is missing or does not match config.json; names it. config.json names no registered family; lists them.
    /// </exception>
    public static TranslationModel Load(string folder, RunnerOptions? options = null, ModelVariant variant = ModelVariant.Fp32,
        DraftUse draft = DraftUse.None, int draftTokens = 4)
    {
        var (family, config) = KnownFamilies.Registry.Read(BundleFiles.LocateConfig(folder));
        var files = family.Runner.Locate(folder, variant);
        var defaults = GenerationDefaults.Read(files.GenerationConfig, files.Config, config);
        string? source = null, target = null;
        var tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            // Marian's tokenizers name the pair source_lang/target_lang; NLLB's and M2M100's src_lang/tgt_lang.
            var json = JsonFile.Read(tokenizerConfig);
            source = json.OptionalString("source_lang") ?? json.OptionalString("src_lang");
            target = json.OptionalString("target_lang") ?? json.OptionalString("tgt_lang");
        }

        // The tokenizer loads beside the sessions: both are CPU-bound and independent (start-up time).
        var loadingTokenizer = Task.Run(() => LoadTokenizer(folder, family.Tokenizer, config));
        var draftFiles = DraftFiles(folder, family.Runner, variant, draft);
        var loadingDraft = draftFiles is null ? null : Task.Run(() => family.Runner.Open(draftFiles, config, options));
        IModelRunner runner;
        try
        {
            runner = family.Runner.Open(files, config, options);
        }
        catch
        {
            // The runner's error is the one reported; the others', if any, must still be observed.
            loadingTokenizer.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            loadingDraft?.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }

                return t.Exception;
            });
            throw;
        }

        ITokenizer tokenizer;
        IModelRunner? draftRunner = null;
        try
        {
            tokenizer = loadingTokenizer.GetAwaiter().GetResult();
            draftRunner = loadingDraft?.GetAwaiter().GetResult();
            if (draftRunner is not null && !(runner.SupportsJoins && draftRunner.SupportsJoins))
            {
                draftRunner.Dispose();
                draftRunner = draft == DraftUse.Required
                    ? throw new ModelBundleException(files.MergedDecoder ?? files.Decoder!, null,
                        "takes no decoder_attention_mask, so it cannot check a draft's guesses in one call (Draft = required).")
                    : null;
            }
        }
        catch
        {
            runner.Dispose();
            throw;
        }

        if (tokenizer.VocabSize < config.VocabSize)
        {
            // The padding ids name no piece, so they are never generated (trained models leave them unlikely anyway).
            defaults = defaults with { BadWordIds = [.. defaults.BadWordIds, .. Enumerable.Range(tokenizer.VocabSize, config.VocabSize - tokenizer.VocabSize)] };
        }

        BundleLanguages? languages;
        IReadOnlyList<BundleTask> tasks;
        try
        {
            languages = BundleLanguages.Read(family.LanguageTokens, tokenizer, Path.Combine(folder, family.Tokenizer.File));
            tasks = family.TaskPrefixes ? BundleTask.Read(JsonFile.Read(files.Config), tokenizer, defaults) : [];
        }
        catch
        {
            runner.Dispose();
            draftRunner?.Dispose();
            throw;
        }

        if (languages is not null)
        {
            // The bundle's own pair is the default of requests that name no languages.
            source = source is null ? null : languages.Convention.IsoOf(source);
            target = target is null ? null : languages.Convention.IsoOf(target);
            tokenizer = source is not null && languages.Contains(source) ? languages.SourceTokenizer(source) : tokenizer;
            defaults = target is not null && languages.Contains(target) ? languages.ForTarget(defaults, target) : defaults;
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return new TranslationModel(name, family, files, config, defaults, runner,
            draftRunner is null ? null : new DraftModel(draftRunner, draftTokens), tokenizer, source, target, languages, tasks);
    }

    /// <summary>The int8 graphs to load as a draft, or null when none is asked for or (with Auto) none fits.</summary>
    private static BundleFiles? DraftFiles(string folder, FamilyRunner runner, ModelVariant variant, DraftUse draft)
    {
        if (draft == DraftUse.None)
        {
            return null;
        }

        if (!runner.ChecksDrafts || variant != ModelVariant.Fp32)
        {
            return draft == DraftUse.Required
                ? throw new ModelBundleException(folder, null, "cannot have a draft: only the float graphs of a Transformer bundle check a draft's guesses (Draft = required).")
                : null;
        }

        try
        {
            return runner.Locate(folder, ModelVariant.Quantized);
        }
        catch (ModelBundleException) when (draft == DraftUse.Auto)
        {
            return null;
        }
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

    private static ITokenizer LoadTokenizer(string folder, FamilyTokenizer loader, ModelConfig config)
    {
        var path = Path.Combine(folder, loader.File);
        ITokenizer tokenizer;
        try
        {
            tokenizer = loader.Load(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new ModelBundleException(path, null, $"(with {loader.Companions}) cannot be loaded: {e.Message}", e);
        }

        // Fewer is allowed: T5's logits are padded past its tokenizer's ids (32128 for 32100).
        if (tokenizer.VocabSize > config.VocabSize || tokenizer.EosId != config.EosTokenId || tokenizer.PadId != config.PadTokenId)
        {
            throw new ModelBundleException(path, null,
                $"has {tokenizer.VocabSize} ids (eos {tokenizer.EosId}, pad {tokenizer.PadId}), but config.json says vocab_size {config.VocabSize} (eos {config.EosTokenId}, pad {config.PadTokenId}).");
        }

        return tokenizer;
    }

    /// <summary>The defaults with a call's overrides applied.</summary>
    /// <exception cref="InvalidGenerationSettingException">An override is out of range; names the parameter.</exception>
    public GenerationSettings Settings(GenerationOptions? options) => DefaultSettings.With(options);

    /// <summary>Encodes the requests as one batch and returns the cohort, ready for its first decoder step.</summary>
    public GenerationCohort Start(IReadOnlyList<GenerationRequest> requests) => GenerationCohort.Start(Runner, requests, Draft);

    /// <summary>Generates for the requests as one batch, to completion; results in request order.</summary>
    public GenerationResult[] Generate(IReadOnlyList<GenerationRequest> requests) => Generator.Generate(Runner, requests, Draft);

    public void Dispose()
    {
        Runner.Dispose();
        Draft?.Runner.Dispose();
    }
}
