using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Catalog;

/// <summary>
/// A loaded translation model as the service sees it: what the scheduler runs and segmentation tokenizes,
/// plus the languages it states. The engine adapter implements it.
/// </summary>
public interface ITranslationModel : IBatchModel
{
    /// <summary>The graphs served: "fp32" or "quantized".</summary>
    string Variant { get; }

    string? SourceLanguage { get; }

    string? TargetLanguage { get; }

    /// <summary>The family's architecture (ModelFamily.Architecture): "transformer" or "gru-attention".</summary>
    string Architecture { get; }

    /// <summary>Whether the model can return its attention (its decoder outputs it).</summary>
    bool ProvidesAttention { get; }

    /// <summary>Tokens a draft guesses per decoder call for a lone greedy request; 0 without speculative decoding.</summary>
    int DraftTokens => 0;

    /// <summary>How its texts are cut when a request does not say.</summary>
    SentenceSplitting Splitting => SentenceSplitting.All;

    /// <summary>The default length limit of a sentence's translation; none when null.</summary>
    LengthGuard? LengthGuard => null;

    /// <summary>
    /// The languages of a multilingual model, any ordered pair of which it translates (ISO 639-1 codes); empty for a
    /// model of one pair (<see cref="SourceLanguage"/> → <see cref="TargetLanguage"/>).
    /// </summary>
    IReadOnlyList<string> Languages => [];

    /// <summary>The tasks it was trained for by a source prefix (T5's), in its config's order; empty for most models.</summary>
    IReadOnlyList<ModelTask> Tasks => [];

    /// <summary>This model doing <paramref name="task"/> (one of <see cref="Tasks"/>' names): a view that writes sources after its prefix; null when it has no such task.</summary>
    ITranslationModel? ForTask(string task) => null;

    /// <summary>
    /// This model translating <paramref name="source"/> → <paramref name="target"/> (lower-case ISO codes): itself
    /// when that is its own pair, a view of it that writes and forces those languages when it is multilingual, its
    /// translation task's view when a task translates the pair, null when it does not translate the pair.
    /// </summary>
    ITranslationModel? ForPair(string source, string target) => IsOwnPair(this, source, target) ? this : null;

    /// <summary>Whether <paramref name="source"/> → <paramref name="target"/> is the pair <paramref name="model"/> states.</summary>
    static bool IsOwnPair(ITranslationModel model, string source, string target) =>
        source == model.SourceLanguage?.ToLowerInvariant() && target == model.TargetLanguage?.ToLowerInvariant();
}
