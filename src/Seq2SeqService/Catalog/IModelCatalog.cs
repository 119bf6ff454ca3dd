using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Catalog;

/// <summary>The loaded models by name.</summary>
public interface IModelCatalog : IBatchModels
{
    new IReadOnlyList<ITranslationModel> Models { get; }

    ITranslationModel Default { get; }

    bool TryGet(string name, out ITranslationModel model);

    IReadOnlyList<IBatchModel> IBatchModels.Models => Models;
}
