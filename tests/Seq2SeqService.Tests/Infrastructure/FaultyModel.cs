using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// A <see cref="ScriptedModel"/> with a planted fault: its tokenizer throws on the text
/// <paramref name="tokenizerFailsOn"/>, its engine on any batch holding the word <paramref name="engineFailsOn"/>.
/// </summary>
public sealed class FaultyModel(ScriptedModel inner, string? tokenizerFailsOn = null, string? engineFailsOn = null)
    : ITranslationModel
{
    public string Name => inner.Name;

    public string Variant => inner.Variant;

    public string Architecture => inner.Architecture;

    public bool ProvidesAttention => inner.ProvidesAttention;

    public string? SourceLanguage => inner.SourceLanguage;

    public string? TargetLanguage => inner.TargetLanguage;

    public int MaxInputTokens => inner.MaxInputTokens;

    public GenerationSettings Defaults => inner.Defaults;

    public SourceTokens Tokenize(string text) =>
        text == tokenizerFailsOn ? throw new InvalidOperationException("tokenizer state is corrupt") : inner.Tokenize(text);

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings,
        CancellationToken stopping) =>
        engineFailsOn is not null && sequences.Any(s => ScriptedModel.TextOf(s).Split(' ').Contains(engineFailsOn))
            ? throw new InvalidOperationException("the engine failed")
            : inner.Generate(sequences, settings, stopping);
}
