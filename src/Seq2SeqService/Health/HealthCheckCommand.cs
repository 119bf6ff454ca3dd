namespace Seq2SeqService.Health;

/// <summary>
/// <c>--healthcheck</c>: asks this service's own /health/ready on the port it is configured to serve and
/// exits 0 when ready, 1 otherwise — a container health check for images without curl.
/// </summary>
public static class HealthCheckCommand
{
    public const string Switch = "--healthcheck";

    private static readonly string[] Wildcards = ["*", "+", "0.0.0.0", "[::]", ""];

    public static bool IsRequested(IEnumerable<string> args) => args.Contains(Switch, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .AddCommandLine(args.Where(a => a != Switch).ToArray())
            .Build();
        var probe = ProbeUri(configuration);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(probe);
            await output.WriteLineAsync($"{probe}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{probe}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The readiness URL on the first HTTP address Kestrel would bind, by the same settings.</summary>
    public static Uri ProbeUri(IConfiguration configuration)
    {
        var address = "http://localhost:5000";
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            var all = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            address = all.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? all[0];
        }
        else if (configuration["http_ports"] is { Length: > 0 } ports)
        {
            address = "http://*:" + ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        }

        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal) + 3;
        var hostEnd = address.LastIndexOf(':');
        var host = hostEnd > schemeEnd ? address[schemeEnd..hostEnd] : address[schemeEnd..].TrimEnd('/');
        if (Wildcards.Contains(host))
        {
            address = address[..schemeEnd] + "127.0.0.1" + address[(schemeEnd + host.Length)..];
        }

        return new Uri(new Uri(address.TrimEnd('/') + "/"), "health/ready");
    }
}
