using System.Text.RegularExpressions;
using Seq2Seq.Deployment.Tests.Infrastructure;
using Seq2SeqService.Options;
using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Deployment.Tests;

public class ComposeTests
{
    private static readonly YamlMappingNode Compose = Yaml.Single("docker/compose.yaml");
    private static readonly YamlNode App = Compose.At("services", "seq2seq");
    public static readonly IReadOnlyDictionary<string, string> Environment = App.Strings("environment");

    /// <summary>What Compose makes of "${VAR:-default}" when VAR is unset.</summary>
    public static string Defaults(string text) => Regex.Replace(text, @"\$\{[A-Z0-9_]+:-([^}]*)\}", "$1");

    [Fact]
    public void Publishes_the_image_port_on_loopback_only_by_default()
    {
        var mapping = Defaults(App.Items("ports").Should().ContainSingle().Subject.Text()).Split(':');
        mapping.Should().HaveCount(3);
        mapping[0].Should().Be("127.0.0.1");
        int.Parse(mapping[2]).Should().Be(DockerfileTests.ExposedPort);
    }

    [Fact]
    public void Builds_the_repository_dockerfile()
    {
        Path.GetFullPath(Path.Combine(Repo.PathOf("docker"), App.Text("build", "context"), App.Text("build", "dockerfile")))
            .Should().Be(Repo.PathOf("Dockerfile"));
    }

    [Fact]
    public void Healthcheck_is_the_images_own()
    {
        var test = App.Items("healthcheck", "test").Select(n => n.Text()).ToList();
        test[0].Should().Be("CMD");
        test.Skip(1).Should().Equal(DockerfileTests.HealthcheckCommand);
        App.Has("healthcheck", "interval").Should().BeTrue();
        App.Has("healthcheck", "start_period").Should().BeTrue();
    }

    [Fact]
    public void Limits_resources_and_gives_one_onnx_runtime_thread_per_cpu_over_all_lanes()
    {
        var cpus = Quantity.Cpus(App.Text("deploy", "resources", "limits", "cpus"));
        var memory = Quantity.Bytes(App.Text("deploy", "resources", "limits", "memory"));
        cpus.Should().BePositive();
        memory.Should().BeGreaterThan(512L << 20);
        Quantity.Cpus(App.Text("deploy", "resources", "reservations", "cpus")).Should().BeLessThanOrEqualTo(cpus);
        Quantity.Bytes(App.Text("deploy", "resources", "reservations", "memory")).Should().BeLessThanOrEqualTo(memory);
        var settings = Environment.ToDictionary(e => e.Key, e => Defaults(e.Value));
        var threads = ServiceConfiguration.Bind<ModelsOptions>(ModelsOptions.Section, settings).IntraOpThreads *
                      ServiceConfiguration.Bind<BatchingOptions>(BatchingOptions.Section, settings).Lanes;
        ((double)threads).Should().Be(cpus);
    }

    [Fact]
    public void Environment_holds_real_configuration_keys()
    {
        Environment.Should().NotBeEmpty();
        Environment.Select(e => ServiceConfiguration.Problem(e.Key, Defaults(e.Value))).Should().AllBeEquivalentTo((string?)null);
    }

    [Fact]
    public void Mounts_a_model_bundle_read_only_where_the_configuration_points()
    {
        var volume = App.Items("volumes").Should().ContainSingle().Subject;
        volume.Text("target").Should().Be(Environment["Service__Models__Bundles__0__Path"]);
        volume.Text("read_only").Should().Be("true");
        var source = Path.Combine(Repo.PathOf("docker"), Defaults(volume.Text("source")));
        File.Exists(Path.Combine(source, "config.json")).Should().BeTrue($"the default source {source} is a bundle");
    }

    [Fact]
    public void Runs_with_a_read_only_root_and_stops_by_sigterm()
    {
        App.Text("read_only").Should().Be("true");
        App.Items("tmpfs").Select(n => n.Text()).Should().Contain("/tmp");
        App.Items("cap_drop").Select(n => n.Text()).Should().Contain("ALL");
        App.Text("stop_signal").Should().Be("SIGTERM");
    }

    [Fact]
    public void Documents_live_in_the_redis_service_the_app_waits_for()
    {
        var redis = Defaults(Environment["Service__Documents__Redis"]).Split(':');
        var service = Compose.At("services", redis[0]);
        service.Text("image").Should().StartWith("redis:");
        redis[1].Should().Be("6379", "the port redis-server listens on by default");
        App.Text("depends_on", redis[0], "condition").Should().Be("service_healthy");
        service.Items("healthcheck", "test").Select(n => n.Text()).Should().Contain("ping");
        service.Text("read_only").Should().Be("true");
    }

    [Fact]
    public void Prometheus_is_optional_and_scrapes_the_service_metrics()
    {
        var prometheus = Compose.At("services", "prometheus");
        prometheus.Items("profiles").Select(n => n.Text()).Should().Equal("metrics");
        Defaults(prometheus.Items("ports")[0].Text()).Should().StartWith("127.0.0.1:");

        var config = prometheus.Items("volumes").Should().ContainSingle().Subject;
        var configFile = Path.GetRelativePath(Repo.Root, Path.Combine(Repo.PathOf("docker"), config.Text("source")));
        var job = Yaml.Single(configFile).Items("scrape_configs").Should().ContainSingle().Subject;
        job.Text("metrics_path").Should().Be("/metrics");
        job.Items("static_configs", 0, "targets").Select(n => n.Text())
            .Should().Equal($"seq2seq:{DockerfileTests.ExposedPort}");
    }
}
