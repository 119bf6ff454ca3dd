using Seq2Seq.Deployment.Tests.Infrastructure;

namespace Seq2Seq.Deployment.Tests;

/// <summary>The key check the manifest tests rely on accepts real keys and rejects wrong ones.</summary>
public class ConfigurationKeyTests
{
    [Fact]
    public void Finds_the_services_options_sections() =>
        ServiceConfiguration.Sections.Should().Contain(["Service:Models", "Service:Batching", "Service:Queue"]);

    [Theory]
    [InlineData("Service__Batching__MaxBatchSequences", "16")]
    [InlineData("Service__Models__Bundles__0__Path", "/models/x")]
    [InlineData("Service__Models__Bundles__3__Name", "x")]
    [InlineData("Service__Logging__ConsoleFormat", "Json")]
    [InlineData("Service__Server__OperatorKey", "operator-key-0123456789")]
    [InlineData("Service__Auth__ApiKeys__0__Key", "client-key")]
    [InlineData("Serilog__MinimumLevel__Default", "Warning")]
    public void Accepts_real_keys(string key, string value) =>
        ServiceConfiguration.Problem(key, value).Should().BeNull();

    [Theory]
    [InlineData("Service__Batching__MaxBatchSize", "16")]
    [InlineData("Service__Batching__MaxBatchSequences", "many")]
    [InlineData("Service__Models__Bundles__first__Path", "/models/x")]
    [InlineData("Service__Models__Bundles", "/models/x")]
    [InlineData("Service__Logging__ConsoleFormat", "Yaml")]
    [InlineData("Service__Auth__ProtectMetrics", "true")]
    [InlineData("Service__Auth__ProtectSwagger", "true")]
    [InlineData("Serilog__MinimumLevel__Everything", "Warning")]
    public void Rejects_wrong_keys_and_values(string key, string value) =>
        ServiceConfiguration.Problem(key, value).Should().NotBeNull();
}
