namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Each bundle is loaded once for all the tests that use it.</summary>
public sealed class LoadedModels : IDisposable
{
    private readonly Dictionary<string, TranslationModel> _models = [];

    public TranslationModel this[string bundle]
    {
        get
        {
            lock (_models)
            {
                if (!_models.TryGetValue(bundle, out var model))
                {
                    // One intra-op thread: the suite runs test classes in parallel on a 2-core machine.
                    model = TranslationModel.Load(RepoPaths.Bundle(bundle), new Seq2Seq.Inference.Runtime.RunnerOptions { IntraOpThreads = 1 });
                    _models[bundle] = model;
                }

                return model;
            }
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<LoadedModels>
{
    public const string Name = "models";
}
