namespace Seq2SeqService.Catalog;

/// <summary>The loaded models by name.</summary>
public interface IModelCatalog
{
    IReadOnlyList<ITranslationModel> Models { get; }

    ITranslationModel Default { get; }

    bool TryGet(string name, out ITranslationModel model);
}
