using Microsoft.Extensions.Options;
using Seq2SeqService.Application;
using Seq2SeqService.Catalog;
using Seq2SeqService.Contracts;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Options;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Endpoints;

/// <summary>GET /models.</summary>
public static class ModelsEndpoints
{
    public static void MapModelsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/models", ListModels)
            .WithName("Models")
            .WithTags("Models")
            .Produces<ModelsResponse>();

    /// <summary>Lists the loaded models with their languages, limits and default generation settings.</summary>
    public static ModelsResponse ListModels(IModelCatalog catalog, IOptions<RequestLimitsOptions> options)
    {
        var limits = options.Value;
        return new ModelsResponse(catalog.Default.Name, catalog.Models.Select(m => new ModelInfo(
            m.Name,
            m.Architecture,
            m.ProvidesAttention,
            m.Variant,
            m.DraftTokens,
            m.SourceLanguage,
            m.TargetLanguage,
            new ModelLimits(m.MaxInputTokens, Math.Min(limits.MaxNewTokens, m.Defaults.MaxNewTokensLimit),
                Math.Min(limits.MaxBeams, Seq2Seq.Inference.Generation.GenerationSettings.MaxBeams),
                limits.MaxTexts, limits.MaxTextLength),
            DefaultsOf(m),
            m.LengthGuard is { } guard ? new LengthGuardInfo(guard.Factor, guard.Offset) : null,
            m.Languages,
            [.. LanguagePairs.Of(m).Select(p => new LanguagePairInfo(p.Source, p.Target))],
            [.. m.Tasks.Select(t => new TaskInfo(t.Name, t.Prefix, t.Source, t.Target, DefaultsOf(m.ForTask(t.Name)!)))])).ToList());
    }

    private static GenerationOptions DefaultsOf(ITranslationModel model)
    {
        var defaults = GenerationOptions.From(model.Defaults);
        defaults.SplitSentences = SentenceSplittingNames.Name(model.Splitting);
        return defaults;
    }
}
