using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>Service hosts over <see cref="ScriptedModel"/>s, for plumbing tests that need no real model.</summary>
public static class ScriptedService
{
    public static ServiceFactory Create(IReadOnlyDictionary<string, string?>? settings = null,
        IBatchRunner? runner = null, params ITranslationModel[] models) =>
        new(settings, services =>
        {
            services.RemoveAll<IModelCatalog>();
            services.AddSingleton<IModelCatalog>(new ScriptedCatalog(models.Length > 0 ? models : [new ScriptedModel()]));
            if (runner is not null)
            {
                services.RemoveAll<IBatchRunner>();
                services.AddSingleton(runner);
            }
        });
}
