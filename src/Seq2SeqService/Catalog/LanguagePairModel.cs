using Seq2Seq.Tokenizers;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Catalog;

/// <summary>
/// A view of a model with a source tokenizer of its own: a multilingual model translating one of its pairs
/// (sources written with the source language's token, the target's token forced first, in <see cref="Defaults"/>,
/// which each row carries into the model's batches, shared by every pair: <see cref="Engine"/>), or a T5 model doing one of its tasks (sources written after
/// the task's prefix; its languages are the task's pair, or the model's own for another task). Everything else is
/// the model's; the model is disposed by the catalog, not by its views.
/// </summary>
public sealed class LanguagePairModel(EngineModel model, string? source, string? target, ITokenizer sourceTokenizer,
    GenerationSettings defaults) : ITranslationModel
{
    public string Name => model.Name;

    public string Variant => model.Variant;

    public string? SourceLanguage => source;

    public string? TargetLanguage => target;

    public string Architecture => model.Architecture;

    public bool ProvidesAttention => model.ProvidesAttention;

    public int DraftTokens => model.DraftTokens;

    public SentenceSplitting Splitting => model.Splitting;

    public LengthGuard? LengthGuard => model.LengthGuard;

    public int MaxInputTokens => model.MaxInputTokens;

    public GenerationSettings Defaults => defaults;

    public IBatchModel Engine => model;

    public IReadOnlyList<string> Languages => model.Languages;

    public ITranslationModel? ForPair(string source, string target) => model.ForPair(source, target);

    public SourceTokens Tokenize(string text) => EngineModel.Tokenize(sourceTokenizer, text);

    public IRunningBatch Start(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        model.Start(sequences, settings, stopping);

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        model.Generate(sequences, settings, stopping);
}
