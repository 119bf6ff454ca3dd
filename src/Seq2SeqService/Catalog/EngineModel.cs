using System.Collections.Concurrent;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Tokenizers;
using Seq2SeqService.Options;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Catalog;

/// <summary>The adapter from the service's model ports to the generation engine's <see cref="TranslationModel"/>.</summary>
public sealed class EngineModel(string name, TranslationModel model, SentenceSplitting splitting, LengthGuard lengthGuard, int repeatGuard)
    : ITranslationModel, IDisposable
{
    private readonly ConcurrentDictionary<(string Source, string Target), LanguagePairModel> _pairs = new();
    private readonly ConcurrentDictionary<string, LanguagePairModel> _tasks = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public SentenceSplitting Splitting { get; } = splitting;

    public LengthGuard? LengthGuard { get; } = lengthGuard;

    public string Variant => BundleVariants.Name(model.Variant);

    public int DraftTokens => model.Draft?.Tokens ?? 0;

    public string? SourceLanguage => model.SourceLanguage;

    public string? TargetLanguage => model.TargetLanguage;

    public int MaxInputTokens => model.MaxSourceTokens;

    public string Architecture => model.Family.Architecture;

    public bool ProvidesAttention => model.Runner.ProvidesAttention;

    public long CacheBytesPerPosition => model.Config.CacheBytesPerPosition;

    public GenerationSettings Defaults { get; } = model.DefaultSettings with
    {
        RepeatGuardSize = repeatGuard,
        // Ids past the tokenizer's (padded logits) name no piece; each stays in a group of its own.
        Folding = TokenFolding.Of(model.Config.VocabSize,
            id => id < model.Tokenizer.VocabSize ? PieceFolding.Key(model.Tokenizer.IdToPiece(id)) : $"\0{id}"),
    };

    public IReadOnlyList<string> Languages => model.Languages?.Codes ?? [];

    public IReadOnlyList<ModelTask> Tasks { get; } = [.. model.Tasks.Select(t => new ModelTask(t.Name, t.Prefix, t.SourceLanguage, t.TargetLanguage))];

    public SourceTokens Tokenize(string text) => Tokenize(model.Tokenizer, text);

    public ITranslationModel? ForTask(string task) =>
        model.Tasks.FirstOrDefault(t => t.Name == task) is not { } found ? null
            : _tasks.GetOrAdd(task, _ => new LanguagePairModel(this, found.SourceLanguage ?? SourceLanguage, found.TargetLanguage ?? TargetLanguage,
                found.Tokenizer, found.Defaults with { RepeatGuardSize = Defaults.RepeatGuardSize, Folding = Defaults.Folding }));

    public ITranslationModel? ForPair(string source, string target)
    {
        // Its own pair is itself, so that requests naming it batch with those that name none.
        if (ITranslationModel.IsOwnPair(this, source, target))
        {
            return this;
        }

        if (Tasks.FirstOrDefault(t => t.Source == source && t.Target == target) is { } task)
        {
            return ForTask(task.Name);
        }

        return model.Languages is not { } languages || source == target || !languages.Contains(source) || !languages.Contains(target) ? null
            : _pairs.GetOrAdd((source, target), pair => new LanguagePairModel(this, pair.Source, pair.Target,
                languages.SourceTokenizer(pair.Source), languages.ForTarget(Defaults, pair.Target)));
    }

    internal static SourceTokens Tokenize(ITokenizer tokenizer, string text)
    {
        var tokens = tokenizer.Encode(text);
        return new SourceTokens(tokens.Ids, tokens.Pieces);
    }

    public IRunningBatch Start(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        new CohortBatch(model, sequences, settings, stopping);

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        using var batch = Start(sequences, settings, stopping);
        var rows = new SequenceOutput?[sequences.Count];
        var index = sequences.Select((sequence, i) => (sequence, i)).ToDictionary(p => p.sequence, p => p.i);
        TimeSpan encode = default, decode = default;
        do
        {
            foreach (var row in batch.Step())
            {
                rows[index[row.Row]] = row.Output;
                encode = encode > row.EncodeTime ? encode : row.EncodeTime;
                decode = decode > row.DecodeTime ? decode : row.DecodeTime;
            }
        }
        while (!batch.IsCompleted);

        return new BatchOutput(rows, encode, decode);
    }

    public void Dispose() => model.Dispose();
}
