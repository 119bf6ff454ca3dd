using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Application;

/// <summary>What to translate, whichever API it came through.</summary>
/// <param name="Texts">The texts, translated independently; the results keep this order.</param>
/// <param name="Model">A loaded model's name; the default model when null.</param>
/// <param name="Options">Overrides of the model's generation defaults; none when null.</param>
/// <param name="Splitting">
/// How texts are cut into sentences (an API's own <c>split_sentences</c>); <c>options.split_sentences</c>, else the
/// model's default, when null.
/// </param>
public sealed record TranslationCommand(IReadOnlyList<string> Texts, string? Model = null, GenerationOptions? Options = null,
    SentenceSplitting? Splitting = null);
