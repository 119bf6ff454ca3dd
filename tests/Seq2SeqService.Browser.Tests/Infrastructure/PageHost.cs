using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>
/// The service on a real loopback port (a browser cannot reach the in-memory test server), with extra
/// settings and service replacements. Logs only warnings and worse.
/// </summary>
public sealed class PageHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public PageHost(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        Address = new Uri(addresses.Addresses.Single());
        Api = new HttpClient { BaseAddress = Address };
    }

    /// <summary>Where the service listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; }

    /// <summary>A plain HTTP client for the same service, to compare what the page shows with the API's answer.</summary>
    public HttpClient Api { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var all = new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Warning" };
        foreach (var (key, value) in _settings)
        {
            all[key] = value;
        }

        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(all));
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Api.Dispose();
        }

        base.Dispose(disposing);
    }
}
