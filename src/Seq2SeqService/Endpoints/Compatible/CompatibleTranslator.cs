using System.Text;
using Seq2SeqService.Application;
using Seq2SeqService.Errors;
using Seq2SeqService.Html;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// What the compatible APIs answer: one text per input text, the source language used (given or detected),
/// the detection result when the source was to be detected, and the service's result for the request's log and
/// metrics (none when every text was blank or markup only).
/// </summary>
public sealed record CompatibleResult(IReadOnlyList<string> Texts, string Source, DetectedLanguage? Detected,
    TranslationResult? Translation);

/// <summary>A compatible request that failed; its API answers the error's kind with the status every API uses.</summary>
public sealed class TranslationFailedException(TranslationError error) : Exception(error.Message)
{
    public TranslationError Error { get; } = error;
}

/// <summary>
/// Translation by language codes, as both compatible APIs ask for it: resolves the language pair to a model
/// (detecting the source among the languages that have a model for the target when none is given), keeps
/// blank texts as they are, and with markup translates only text, a run of text with its inline elements as whole
/// sentences (<see cref="InlineMarkup"/>). The texts and text runs of a request go to the translation service
/// together, so they share batches.
/// </summary>
public sealed class CompatibleTranslator(LanguagePairs pairs, TranslationService service)
{
    /// <summary>
    /// Translates <paramref name="texts"/>, which came in the API's <paramref name="field"/>; a
    /// <paramref name="source"/> of <see langword="null"/> is detected; <paramref name="api"/> labels the request's metrics.
    /// </summary>
    /// <exception cref="TranslationFailedException">Limits, unsupported languages, or the service refusing.</exception>
    public async Task<CompatibleResult> TranslateAsync(IReadOnlyList<string> texts, string field, string? source,
        string target, bool markup, string api, CancellationToken cancellation)
    {
        // Held to the limits as the client sent them: the cores and text nodes the service gets are shorter, and more.
        var limits = new Dictionary<string, string[]>();
        service.CheckLimits(texts, limits, field);
        if (limits.Count > 0)
        {
            throw new TranslationFailedException(TranslationError.Invalid(limits));
        }

        var documents = texts.Select(t => markup ? InlineMarkup.Blocks(Markup.Split(t)) : [new MarkupBlock(t, t, [])]).ToList();
        var (model, resolvedSource, detected) = Resolve(
            () => string.Join("\n", documents.SelectMany(d => d).Select(b => b.Text).OfType<string>()), source, target);

        var cores = new List<string>();
        var marks = new List<IReadOnlyList<TextMark>>();
        foreach (var block in documents.SelectMany(d => d))
        {
            if (Core(block) is var (core, lead, _, coreMarks))
            {
                cores.Add(core);
                marks.Add(coreMarks);
            }
        }

        // One job for the whole request, however many text runs its markup holds: its work is estimated and admitted
        // once, so fanning a request out into runs cannot pass the per-request work limit.
        var translation = cores.Count == 0 ? null
            : await TranslateAsync(new TranslationCommand(cores, model, Fragments: true, Api: api,
                Marks: marks.Any(m => m.Count > 0) ? marks : null,
                SourceLanguage: resolvedSource, TargetLanguage: LanguagePairs.Normalize(target)), cancellation);
        var next = 0;
        var results = documents.Select(document =>
        {
            var text = new StringBuilder();
            foreach (var block in document)
            {
                if (Core(block) is not var (core, lead, trail, coreMarks))
                {
                    text.Append(block.Raw);
                    continue;
                }

                // The model drops surrounding whitespace, which in markup separates words from tags.
                var output = OpaqueMarks.Keep(translation!.Texts[next++].Best, core, coreMarks, InlineMarkup.IsOpaque);
                text.Append(lead).Append(markup ? InlineMarkup.Render(output.Text, output.Marks) : output.Text).Append(trail);
            }

            return text.ToString();
        }).ToList();
        return new CompatibleResult(results, resolvedSource, detected, translation);
    }

    /// <summary>Detection among the languages the models translate from.</summary>
    public IReadOnlyList<DetectedLanguage> Detect(string text) => LanguageDetector.Detect(text, pairs.Sources);

    /// <summary>
    /// The model for <paramref name="source"/>→<paramref name="target"/>; a <paramref name="source"/> of
    /// <see langword="null"/> is detected from <paramref name="text"/> among the languages with a model for the target.
    /// </summary>
    /// <exception cref="TranslationFailedException">No model for the pair.</exception>
    public (string Model, string Source, DetectedLanguage? Detected) Resolve(Func<string> text, string? source, string target)
    {
        target = LanguagePairs.Normalize(target);
        if (!pairs.Targets.Contains(target))
        {
            throw Invalid($"'{Echo.Truncate(target)}' is not available as a target language; available: {string.Join(", ", pairs.Targets)}.");
        }

        DetectedLanguage? detected = null;
        if (source is null)
        {
            detected = LanguageDetector.Detect(text(), pairs.SourcesFor(target))[0];
            source = detected.Language;
        }

        source = LanguagePairs.Normalize(source);
        var model = pairs.ModelFor(source, target) ?? throw Invalid(pairs.Sources.Contains(source)
            ? $"'{Echo.Truncate(target)}' is not available as a target language from '{Echo.Truncate(source)}'; available: {string.Join(", ", pairs.TargetsOf(source))}."
            : $"'{Echo.Truncate(source)}' is not available as a source language; available: {string.Join(", ", pairs.Sources)}.");
        return (model, source, detected);
    }

    private async Task<TranslationResult> TranslateAsync(TranslationCommand command, CancellationToken cancellation)
    {
        var outcome = await service.TranslateAsync(command, cancellation);
        return outcome.Succeeded ? outcome.Result : throw new TranslationFailedException(outcome.Error);
    }

    /// <summary>A block's text without its surrounding whitespace, that whitespace, and its marks on the core; null for
    /// markup and for text without a letter or digit outside code, which stay as written.</summary>
    private static (string Core, string Lead, string Trail, IReadOnlyList<TextMark> Marks)? Core(MarkupBlock block)
    {
        if (block.Text is not { } text || !OpaqueMarks.HasProse(text, block.Marks, InlineMarkup.IsOpaque))
        {
            return null;
        }

        var core = text.Trim();
        var lead = text[..(text.Length - text.TrimStart().Length)];
        return (core, lead, text[(lead.Length + core.Length)..], [.. block.Marks.Select(m => Within(m, lead, core.Length))]);
    }

    /// <summary>A mark of a block's text moved onto its core, which starts <paramref name="lead"/>'s length in.</summary>
    private static TextMark Within(TextMark mark, string lead, int length)
    {
        var start = Math.Clamp(mark.Start - lead.Length, 0, length);
        return mark with { Start = start, Length = Math.Clamp(mark.Start + mark.Length - lead.Length, 0, length) - start };
    }

    private static TranslationFailedException Invalid(string message) =>
        new(new TranslationError(TranslationErrorKind.InvalidRequest, message));
}
