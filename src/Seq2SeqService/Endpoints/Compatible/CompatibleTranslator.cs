using System.Text;
using Microsoft.Extensions.Options;
using Seq2SeqService.Errors;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// What the compatible APIs answer: one text per input text, the source language used (given or detected),
/// and the detection result when the source was to be detected.
/// </summary>
public sealed record CompatibleResult(IReadOnlyList<string> Texts, string Source, DetectedLanguage? Detected);

/// <summary>
/// Translation by language codes, as both compatible APIs ask for it: resolves the language pair to a model
/// (detecting the source among the languages that have a model for the target when none is given), keeps
/// blank texts as they are, and with markup translates only text nodes. The texts and text nodes of a
/// request go to the translation service together, so they share batches.
/// </summary>
public sealed class CompatibleTranslator(LanguagePairs pairs, ITextTranslator translator,
    IOptions<RequestLimitsOptions> limits)
{
    /// <summary>Translates <paramref name="texts"/>; a <paramref name="source"/> of <see langword="null"/> is detected.</summary>
    /// <exception cref="TranslationRefusedException">Unsupported languages, limits, or the service refusing.</exception>
    public async Task<CompatibleResult> TranslateAsync(IReadOnlyList<string> texts, string? source, string target,
        bool markup, CancellationToken cancellation)
    {
        CheckLimits(texts);
        var documents = texts.Select(t => markup ? Markup.Split(t) : [new MarkupPart(t, true)]).ToList();
        var (model, resolvedSource, detected) = Resolve(documents, source, target);

        var cores = new List<string>();
        foreach (var part in documents.SelectMany(d => d).Where(p => p.IsText))
        {
            var core = TextOf(part, markup).Trim();
            if (core.Any(char.IsLetterOrDigit))
            {
                cores.Add(core);
            }
        }

        // One job for the whole request, however many text nodes its markup holds: its work is estimated and admitted
        // once, so fanning a request out into nodes cannot pass the per-request work limit.
        IReadOnlyList<string> translated = cores.Count == 0 ? [] : await translator.TranslateAsync(model, cores, markup, cancellation);
        var next = 0;
        var results = documents.Select(document =>
        {
            var text = new StringBuilder();
            foreach (var part in document)
            {
                var raw = TextOf(part, markup);
                var core = raw.Trim();
                if (!part.IsText || !core.Any(char.IsLetterOrDigit))
                {
                    text.Append(part.Raw);
                    continue;
                }

                // The model drops surrounding whitespace, which in markup separates words from tags.
                var lead = raw[..(raw.Length - raw.TrimStart().Length)];
                var trail = raw[raw.TrimEnd().Length..];
                var output = translated[next++];
                text.Append(lead).Append(markup ? Markup.Encode(output) : output).Append(trail);
            }

            return text.ToString();
        }).ToList();
        return new CompatibleResult(results, resolvedSource, detected);
    }

    /// <summary>Detection among the languages the models translate from.</summary>
    public IReadOnlyList<DetectedLanguage> Detect(string text) => LanguageDetector.Detect(text, pairs.Sources);

    private (string Model, string Source, DetectedLanguage? Detected) Resolve(List<IReadOnlyList<MarkupPart>> documents,
        string? source, string target)
    {
        target = LanguagePairs.Normalize(target);
        if (!pairs.Targets.Contains(target))
        {
            throw Invalid($"'{Echo.Truncate(target)}' is not available as a target language; available: {string.Join(", ", pairs.Targets)}.");
        }

        DetectedLanguage? detected = null;
        if (source is null)
        {
            var text = string.Join("\n", documents.SelectMany(d => d).Where(p => p.IsText).Select(p => p.Raw));
            detected = LanguageDetector.Detect(text, pairs.SourcesFor(target))[0];
            source = detected.Language;
        }

        source = LanguagePairs.Normalize(source);
        var model = pairs.ModelFor(source, target) ?? throw Invalid(pairs.Sources.Contains(source)
            ? $"'{Echo.Truncate(target)}' is not available as a target language from '{Echo.Truncate(source)}'; available: {string.Join(", ", pairs.TargetsOf(source))}."
            : $"'{Echo.Truncate(source)}' is not available as a source language; available: {string.Join(", ", pairs.Sources)}.");
        return (model, source, detected);
    }

    private void CheckLimits(IReadOnlyList<string> texts)
    {
        var limit = limits.Value;
        if (texts.Count > limit.MaxTexts)
        {
            throw Invalid($"{texts.Count} texts were sent; at most {limit.MaxTexts} are allowed per request.");
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].Length > limit.MaxTextLength)
            {
                throw Invalid($"Text {i + 1} has {texts[i].Length} characters; at most {limit.MaxTextLength} are allowed.");
            }
        }
    }

    private static string TextOf(MarkupPart part, bool markup) => markup ? Markup.Decode(part.Raw) : part.Raw;

    private static TranslationRefusedException Invalid(string message) => new(RefusalReason.InvalidInput, message);
}
