using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>A view of a model with settings of its own, as a multilingual model's pair is (<see cref="LanguagePairModel"/>).</summary>
public sealed class ModelView(ITranslationModel model, GenerationSettings defaults) : ITranslationModel
{
    public string Name => model.Name;

    public string Variant => model.Variant;

    public string? SourceLanguage => model.SourceLanguage;

    public string? TargetLanguage => model.TargetLanguage;

    public string Architecture => model.Architecture;

    public bool ProvidesAttention => model.ProvidesAttention;

    public int MaxInputTokens => model.MaxInputTokens;

    public long CacheBytesPerPosition => model.CacheBytesPerPosition;

    public GenerationSettings Defaults => defaults;

    public IBatchModel Engine => model;

    public SourceTokens Tokenize(string text) => model.Tokenize(text);

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        model.Generate(sequences, settings, stopping);

    public IRunningBatch Start(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        model.Start(sequences, settings, stopping);
}
