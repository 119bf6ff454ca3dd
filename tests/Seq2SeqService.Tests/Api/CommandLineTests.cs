using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Health;
using Seq2SeqService.Testing;
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
        ready.ExitCode.Should().Be(0, ready.Output);
        ready.Output.Should().Contain("/health/ready: 200");

        var port = new Uri(address).Port;
        factory.Dispose();
        var down = await ServiceProcess.RunAsync(["--healthcheck"],
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{port}" });
        down.ExitCode.Should().Be(1);
        down.Output.Should().Contain($"http://127.0.0.1:{port}/health/ready");
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
    [InlineData("Service__Server__OperatorKey", "short", "Service:Server:OperatorKey must be at least 16 characters")]
    [InlineData("Service__Auth__ProtectMetrics", "true", "Service:Auth:ProtectMetrics was removed: set Service:Server:OperatorKey")]
    [InlineData("Service__Auth__ProtectSwagger", "false", "Service:Auth:ProtectSwagger was removed: set Service:Server:OperatorKey")]
    [InlineData("Service__Server__MaxConcurrentConnections", "0", "Service:Server:MaxConcurrentConnections = 0 is outside")]
    [InlineData("Service__Models__Bundles__0__Variant", "int4", "Service:Models:Bundles:0:Variant = 'int4' is not auto, fp32 or quantized")]
    [InlineData("Service__Models__Bundles__0__Draft", "yes", "Service:Models:Bundles:0:Draft = 'yes' is not auto, required or none")]
    [InlineData("Service__Models__Bundles__0__DraftTokens", "17", "Service:Models:Bundles:0:DraftTokens = 17 is outside [1, 16]")]
    [InlineData("Service__Models__Bundles__1__Draft", "required", "cannot have a draft")]
    public async Task Invalid_configuration_exits_1_with_one_log_line_naming_it(string key, string value, string expected)
    {
        var (exitCode, output) = await ServiceProcess.RunAsync(["--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}"],
            new Dictionary<string, string> { [key] = value });

        exitCode.Should().Be(1);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(output)
            .Which.Should().Contain("Start-up failed").And.Contain(expected);
    }

    [Fact]
    public async Task A_corrupt_model_file_exits_1_with_one_line_naming_the_file()
    {
        var bundle = Directory.CreateTempSubdirectory("corrupt-bundle-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Bundles.RepoRoot, "tests", "fixtures", Bundles.Tiny)))
            {
                File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));
            }

            await File.WriteAllBytesAsync(Path.Combine(bundle, "encoder_model.onnx"), "not an onnx graph"u8.ToArray());
            var (exitCode, output) = await ServiceProcess.RunAsync(["--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}"],
                new Dictionary<string, string> { ["Service__Models__Bundles__0__Path"] = bundle });

            exitCode.Should().Be(1);
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(output)
                .Which.Should().Contain("Start-up failed").And.Contain("encoder_model.onnx");
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public async Task The_quantized_variant_without_int8_graphs_exits_1_naming_the_file()
    {
        var bundle = Directory.CreateTempSubdirectory("fp32-only-bundle-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Bundles.RepoRoot, "tests", "fixtures", Bundles.Tiny))
                         .Where(f => !f.EndsWith("_quantized.onnx", StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));
            }

            var (exitCode, output) = await ServiceProcess.RunAsync(["--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}"],
                new Dictionary<string, string> { ["Service__Models__Bundles__0__Path"] = bundle, ["Service__Models__Bundles__0__Variant"] = "quantized" });

            exitCode.Should().Be(1);
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(output)
                .Which.Should().Contain("Start-up failed").And.Contain(Path.Combine(bundle, "encoder_model_quantized.onnx"));
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public async Task Sigterm_stops_a_serving_process_cleanly_with_exit_code_0()
    {
        await using var process = await ServiceProcess.StartAsync(Bundles.SettingsFor(Bundles.Tiny).ToDictionary(s => s.Key, s => s.Value!));

        process.SendSigterm();

        (await process.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().Be(0, process.Output);
    }
}
