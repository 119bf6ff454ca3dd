using Microsoft.Extensions.Options;
using Seq2Seq.Inference;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Runtime;
using Seq2SeqService.Options;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Catalog;

/// <summary>
/// Loads every configured bundle when constructed (at start-up, the bundles side by side), so a missing or
/// corrupt bundle stops the process before it serves; the error names the setting, the file and, where one is at
/// fault, the tensor.
/// </summary>
public sealed class BundleCatalog : IModelCatalog, IDisposable
{
    private readonly List<EngineModel> _models = [];

    public BundleCatalog(IOptions<ModelsOptions> options, IHostEnvironment environment)
    {
        var settings = options.Value;
        var runnerOptions = new RunnerOptions
        {
            IntraOpThreads = settings.IntraOpThreads,
            InterOpThreads = settings.InterOpThreads,
        };
        _models.AddRange(ParallelOpen.All(settings.Bundles.Count, i =>
        {
            var bundle = settings.Bundles[i];
            var folder = Locate(bundle.Path, environment.ContentRootPath, $"{ModelsOptions.Section}:Bundles:{i}:Path");
            BundleVariants.TryParse(bundle.Variant, out var variant);
            BundleDrafts.TryParse(bundle.Draft, out var draft);
            var graphs = variant ?? VariantChoice.Preferred(folder);
            return new EngineModel(BundleNames.Of(bundle), TranslationModel.Load(folder, runnerOptions, graphs, draft, bundle.DraftTokens),
                SentenceSplittingNames.Parse(bundle.SplitSentences)!.Value, new LengthGuard(bundle.MaxLengthFactor, bundle.MaxLengthOffset), bundle.RepeatGuard);
        }));
        Default = settings.Default is { } name ? _models.First(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)) : _models[0];
    }

    public IReadOnlyList<ITranslationModel> Models => _models;

    public ITranslationModel Default { get; }

    public bool TryGet(string name, out ITranslationModel model)
    {
        model = _models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return model is not null;
    }

    public void Dispose() => _models.ForEach(m => m.Dispose());

    /// <summary>
    /// An absolute path as it is; a relative one under the content root, else under the application folder
    /// (where the build and publish copy the default bundle).
    /// </summary>
    private static string Locate(string path, string contentRoot, string setting)
    {
        if (Path.IsPathRooted(path))
        {
            return Directory.Exists(path) ? path : throw Missing(setting, path, [path]);
        }

        string[] candidates = [Path.Combine(contentRoot, path), Path.Combine(AppContext.BaseDirectory, path)];
        return candidates.FirstOrDefault(Directory.Exists) ?? throw Missing(setting, path, candidates.Distinct());
    }

    private static DirectoryNotFoundException Missing(string setting, string path, IEnumerable<string> looked) =>
        new($"{setting} = '{path}': no model bundle folder there (looked in {string.Join(", ", looked)}).");
}
