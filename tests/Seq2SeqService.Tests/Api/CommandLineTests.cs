using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Health;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Api;

/// <summary>The process's own switches and start-up failures, run as real processes.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Healthcheck_exits_0_against_a_ready_service_and_1_when_nothing_listens()
    {
        using var factory = ScriptedService.Create();
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = factory.CreateClient();
        await Wait.UntilAsync(() => client.GetAsync("/health/ready").Result.IsSuccessStatusCode, "ready");

        var ready = await ServiceProcess.RunAsync(["--healthcheck", "--urls", address]);
        ready.ExitCode.Should().Be(0, ready.StdOut + ready.StdErr);
        ready.StdOut.Should().Contain("/health/ready: 200");

        var port = new Uri(address).Port;
        factory.Dispose();
        var down = await ServiceProcess.RunAsync(["--healthcheck"],
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{port}" });
        down.ExitCode.Should().Be(1);
        down.StdOut.Should().Contain($"http://127.0.0.1:{port}/health/ready");
    }

    [Theory]
    [InlineData(null, null, "http://localhost:5000/health/ready")]
    [InlineData("http://*:8081;https://*:8443", null, "http://127.0.0.1:8081/health/ready")]
    [InlineData("http://localhost:6000/", null, "http://localhost:6000/health/ready")]
    [InlineData("http://[::]:7000", null, "http://127.0.0.1:7000/health/ready")]
    [InlineData(null, "8080", "http://127.0.0.1:8080/health/ready")]
    public void Healthcheck_probes_the_address_kestrel_would_bind(string? urls, string? ports, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = urls,
            ["http_ports"] = ports,
        }).Build();

        HealthCheckCommand.ProbeUri(configuration).ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("Service__Batching__MaxBatchSequences", "0", "Service:Batching:MaxBatchSequences = 0 is outside [1, 1024]")]
    [InlineData("Service__Queue__Capacity", "lots", "Service:Queue:Capacity")]
    [InlineData("Service__Logging__ConsoleFormat", "Xml", "Service:Logging:ConsoleFormat")]
    [InlineData("Service__Models__Default", "missing", "Service:Models:Default = 'missing' is not the name of a configured bundle")]
    [InlineData("Service__Models__Bundles__0__Path", "no/such/bundle", "no/such/bundle")]
    public async Task Invalid_configuration_exits_1_with_one_log_line_naming_it(string key, string value, string expected)
    {
        var (exitCode, stdout, stderr) = await ServiceProcess.RunAsync(["--urls", $"http://127.0.0.1:{FreePort()}"],
            new Dictionary<string, string> { [key] = value });

        exitCode.Should().Be(1);
        var lines = (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(stdout + stderr).Which.Should().Contain("Start-up failed").And.Contain(expected);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
