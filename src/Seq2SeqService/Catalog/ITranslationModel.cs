using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Catalog;

/// <summary>
/// A loaded translation model as the service sees it: what the scheduler runs and segmentation tokenizes,
/// plus the languages it states. The engine adapter implements it.
/// </summary>
public interface ITranslationModel : IBatchModel
{
    string? SourceLanguage { get; }

    string? TargetLanguage { get; }
}
