using Seq2SeqService.Metrics;
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
/// <param name="Fragments">
/// The texts are pieces cut from the client's texts (the trimmed texts and markup text nodes of the compatible APIs),
/// which the caller held to <c>MaxTexts</c> and <c>MaxTextLength</c> (<see cref="TranslationService.CheckLimits"/>):
/// their number and lengths are not the client's, while the work limit still applies to all of them together.
/// </param>
/// <param name="Api">The API the request came through, as metrics label it.</param>
/// <param name="Marks">
/// Inline marks of each text (one list per text, in <paramref name="Texts"/>' order), carried to the target words
/// they align with and returned in <see cref="TranslationCandidate.Marks"/>; none when null.
/// </param>
/// <param name="SourceLanguage">The texts' language (ISO 639-1); the model's own when null.</param>
/// <param name="TargetLanguage">The language to translate into (ISO 639-1); the model's own when null.</param>
/// <param name="Task">One of the model's tasks (<see cref="Catalog.ITranslationModel.Tasks"/>), whose prefix every
/// sentence is written after; none when null. Not with languages, which choose a translation task themselves.</param>
public sealed record TranslationCommand(IReadOnlyList<string> Texts, string? Model = null, GenerationOptions? Options = null,
    SentenceSplitting? Splitting = null, bool Fragments = false, string Api = ServiceMetrics.NativeApi,
    IReadOnlyList<IReadOnlyList<TextMark>>? Marks = null, string? SourceLanguage = null, string? TargetLanguage = null,
    string? Task = null);
