using Seq2Seq.Inference.Bundles;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Each bundle is loaded once for all the tests that use it.</summary>
public sealed class LoadedModels : IDisposable
{
    private readonly Dictionary<(string, ModelVariant), TranslationModel> _models = [];

    public TranslationModel this[string bundle] => this[bundle, ModelVariant.Fp32];

    public TranslationModel this[string bundle, ModelVariant variant]
    {
        get
        {
            lock (_models)
            {
                if (!_models.TryGetValue((bundle, variant), out var model))
                {
                    // One intra-op thread: the suite runs test classes in parallel on a 2-core machine.
                    model = TranslationModel.Load(RepoPaths.Bundle(bundle), new Seq2Seq.Inference.Runtime.RunnerOptions { IntraOpThreads = 1 }, variant);
                    _models[(bundle, variant)] = model;
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
