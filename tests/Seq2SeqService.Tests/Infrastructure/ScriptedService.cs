using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>Service hosts over <see cref="ScriptedModel"/>s, for plumbing tests that need no real model.</summary>
public static class ScriptedService
{
    public static ServiceFactory Create(IReadOnlyDictionary<string, string?>? settings = null,
        BatchGate? gate = null, params ITranslationModel[] models) =>
        new(settings, services =>
        {
            IModelCatalog catalog = new ScriptedCatalog(models.Length > 0 ? models : [new ScriptedModel()]);
            services.RemoveAll<IModelCatalog>();
            services.AddSingleton(gate is null ? catalog : gate.Wrap(catalog));
        });
}
