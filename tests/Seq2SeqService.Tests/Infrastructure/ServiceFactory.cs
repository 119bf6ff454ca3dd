using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// The service in-process with extra settings and service replacements (e.g. a gated batch runner). Logs only
/// warnings and worse to keep test output readable, and runs one lane. With <paramref name="ownBundles"/>, the
/// settings' <c>Service:Models:Bundles</c> entries are the whole bundle list; otherwise they change appsettings.json's
/// entries of the same index and leave the others loaded.
/// </summary>
public sealed class ServiceFactory(
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null,
    bool ownBundles = false) : WebApplicationFactory<Program>
{
    private const string BundleList = "Service:Models:Bundles";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // One lane unless a test asks for more: the gated and stepping models' tests count batches and rows, which
        // with one lane per CPU would depend on the machine's CPU count and on arrival timing.
        var all = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Service:Batching:Lanes"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.ConfigureAppConfiguration(configuration =>
        {
            if (ownBundles)
            {
                for (var i = 0; i < configuration.Sources.Count; i++)
                {
                    configuration.Sources[i] = new HiddenSectionSource(configuration.Sources[i], BundleList);
                }
            }

            configuration.AddInMemoryCollection(all);
        });

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
