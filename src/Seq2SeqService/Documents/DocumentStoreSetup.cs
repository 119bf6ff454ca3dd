using Microsoft.Extensions.Options;
using Seq2SeqService.Options;
using StackExchange.Redis;

namespace Seq2SeqService.Documents;

/// <summary>The document store, its queue and worker: Redis when <see cref="DocumentOptions.Redis"/> is set, else the disk.</summary>
public static class DocumentStoreSetup
{
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        // Connected only when Redis is chosen; without abortConnect a Redis that is not up yet is retried in the
        // background instead of failing the start, and each call meanwhile fails as the store's IOException.
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<DocumentOptions>>().Value.Redis);
            configuration.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(configuration);
        });
        services.AddSingleton<IDocumentStore>(sp => UsesRedis(sp)
            ? ActivatorUtilities.CreateInstance<RedisDocumentStore>(sp)
            : ActivatorUtilities.CreateInstance<DiskDocumentStore>(sp));
        services.AddSingleton<IDocumentQueue>(sp => UsesRedis(sp)
            ? ActivatorUtilities.CreateInstance<RedisDocumentQueue>(sp)
            : ActivatorUtilities.CreateInstance<ProcessDocumentQueue>(sp));
        services.AddSingleton<DocumentCompletions>();
        services.AddSingleton<DocumentWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DocumentWorker>());
        return services;
    }

    private static bool UsesRedis(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DocumentOptions>>().Value.Redis.Length > 0;
}
