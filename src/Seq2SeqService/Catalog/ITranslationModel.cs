using Seq2SeqService.Scheduling;

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

    /// <summary>The model family: "transformer" or "gru-attention".</summary>
    string Architecture { get; }

    /// <summary>Whether the model can return its attention (its decoder outputs it).</summary>
    bool ProvidesAttention { get; }

    /// <summary>Tokens a draft guesses per decoder call for a lone greedy request; 0 without speculative decoding.</summary>
    int DraftTokens => 0;
}
