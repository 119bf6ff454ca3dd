using Seq2Seq.Deployment.Tests.Infrastructure;
using Seq2SeqService.Options;
using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Deployment.Tests;

public class KubernetesTests
{
    private const string Folder = "docker/k8s";

    private static readonly IReadOnlyList<YamlMappingNode> Manifests = Yaml.Single($"{Folder}/kustomization.yaml")
        .Items("resources").SelectMany(r => Yaml.Documents($"{Folder}/{r.Text()}")).ToList();

    /// <summary>The one manifest of <paramref name="kind"/> labelled as part of <paramref name="app"/>.</summary>
    private static YamlMappingNode OfKind(string kind, string app = "seq2seq") =>
        Manifests.Should().ContainSingle(m => m.Text("kind") == kind && m.Text("metadata", "labels", "app.kubernetes.io/name") == app).Subject;

    private static readonly YamlMappingNode Deployment = OfKind("Deployment");
    private static readonly YamlNode Pod = Deployment.At("spec", "template", "spec");
    private static readonly YamlNode Container = Pod.Items("containers").Should().ContainSingle().Subject;
    public static readonly IReadOnlyDictionary<string, string> Config = OfKind("ConfigMap").Strings("data");

    private static IReadOnlyDictionary<string, string> PodLabels => Deployment.Strings("spec", "template", "metadata", "labels");

    /// <summary>A probe's or Service's port, by name or number, as the container port number.</summary>
    private static int ContainerPort(string port) => int.TryParse(port, out var number)
        ? number
        : int.Parse(Container.Items("ports").Should().ContainSingle(p => p.Text("name") == port).Subject.Text("containerPort"));

    [Fact]
    public void Kustomization_lists_every_manifest_in_the_folder()
    {
        var listed = Yaml.Single($"{Folder}/kustomization.yaml").Items("resources").Select(r => r.Text());
        var present = Directory.EnumerateFiles(Repo.PathOf(Folder), "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml");
        listed.Should().BeEquivalentTo(present);
        Manifests.Select(m => m.Text("kind")).Should().Contain(["Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap"]);
    }

    [Fact]
    public void Serves_on_the_port_the_image_exposes()
    {
        Container.Items("ports").Select(p => int.Parse(p.Text("containerPort"))).Should().Equal(DockerfileTests.ExposedPort);
    }

    [Theory]
    [InlineData("readinessProbe", "/health/ready")]
    [InlineData("livenessProbe", "/health/live")]
    [InlineData("startupProbe", "/health/live")]
    public void Probes_ask_the_health_endpoints_on_the_app_port(string probe, string path)
    {
        Container.Text(probe, "httpGet", "path").Should().Be(path);
        ContainerPort(Container.Text(probe, "httpGet", "port")).Should().Be(DockerfileTests.ExposedPort);
    }

    [Fact]
    public void Runs_as_the_images_non_root_user_on_a_read_only_root()
    {
        Pod.Text("securityContext", "runAsNonRoot").Should().Be("true");
        int.Parse(Pod.Text("securityContext", "runAsUser")).Should().Be(DockerfileTests.AppUid);
        Container.Text("securityContext", "readOnlyRootFilesystem").Should().Be("true");
        Container.Text("securityContext", "allowPrivilegeEscalation").Should().Be("false");
        Container.Items("securityContext", "capabilities", "drop").Select(n => n.Text()).Should().Contain("ALL");

        var tmp = Container.Items("volumeMounts").Should().ContainSingle(m => m.Text("mountPath") == "/tmp").Subject;
        Pod.Items("volumes").Should().ContainSingle(v => v.Text("name") == tmp.Text("name") && v.Has("emptyDir"));
    }

    [Fact]
    public void Requests_and_limits_are_set_and_onnx_runtime_gets_one_thread_per_cpu_over_all_lanes()
    {
        var requests = Container.Strings("resources", "requests");
        var limits = Container.Strings("resources", "limits");
        Quantity.Cpus(requests["cpu"]).Should().BePositive().And.BeLessThanOrEqualTo(Quantity.Cpus(limits["cpu"]));
        Quantity.Bytes(requests["memory"]).Should().BePositive().And.BeLessThanOrEqualTo(Quantity.Bytes(limits["memory"]));
        var threads = ServiceConfiguration.Bind<ModelsOptions>(ModelsOptions.Section, Config).IntraOpThreads *
                      ServiceConfiguration.Bind<BatchingOptions>(BatchingOptions.Section, Config).Lanes;
        ((double)threads).Should().Be(Quantity.Cpus(limits["cpu"]));
    }

    [Fact]
    public void Service_and_disruption_budget_select_the_deployments_pods()
    {
        Deployment.Strings("spec", "selector", "matchLabels").Should().BeSubsetOf(PodLabels);
        var service = OfKind("Service");
        service.Strings("spec", "selector").Should().NotBeEmpty().And.BeSubsetOf(PodLabels);
        OfKind("PodDisruptionBudget").Strings("spec", "selector", "matchLabels").Should().BeSubsetOf(PodLabels);
        ContainerPort(service.Items("spec", "ports").Should().ContainSingle().Subject.Text("targetPort"))
            .Should().Be(DockerfileTests.ExposedPort);
    }

    [Fact]
    public void Autoscaler_targets_the_deployment_on_cpu()
    {
        var hpa = OfKind("HorizontalPodAutoscaler");
        hpa.Text("apiVersion").Should().Be("autoscaling/v2");
        hpa.Text("spec", "scaleTargetRef", "apiVersion").Should().Be(Deployment.Text("apiVersion"));
        hpa.Text("spec", "scaleTargetRef", "kind").Should().Be("Deployment");
        hpa.Text("spec", "scaleTargetRef", "name").Should().Be(Deployment.Text("metadata", "name"));
        int.Parse(hpa.Text("spec", "minReplicas")).Should().BeInRange(1, int.Parse(hpa.Text("spec", "maxReplicas")));
        hpa.Text("spec", "metrics", 0, "resource", "name").Should().Be("cpu");
        Container.Has("resources", "requests", "cpu").Should().BeTrue("CPU utilization is measured against the request");
    }

    [Fact]
    public void Config_map_holds_real_configuration_keys_and_reaches_the_container()
    {
        Config.Should().NotBeEmpty();
        Config.Select(e => ServiceConfiguration.Problem(e.Key, e.Value)).Should().AllBeEquivalentTo((string?)null);
        Container.Items("envFrom").Select(e => e.Text("configMapRef", "name"))
            .Should().Contain(OfKind("ConfigMap").Text("metadata", "name"));
    }

    [Fact]
    public void Grace_period_covers_the_pre_stop_pause_and_the_queue_drain()
    {
        var preStop = int.Parse(Container.Text("lifecycle", "preStop", "sleep", "seconds"));
        var drain = ServiceConfiguration.Bind<BatchingOptions>(BatchingOptions.Section, Config).DrainTimeoutSeconds;
        int.Parse(Pod.Text("terminationGracePeriodSeconds")).Should().BeGreaterThan((int)(preStop + drain));
    }

    [Fact]
    public void Replicas_share_documents_through_the_redis_service()
    {
        int.Parse(Deployment.Text("spec", "replicas")).Should().BeGreaterThanOrEqualTo(2);
        var redis = Config["Service__Documents__Redis"].Split(':');
        var service = OfKind("Service", "seq2seq-redis");
        service.Text("metadata", "name").Should().Be(redis[0]);
        var port = service.Items("spec", "ports").Should().ContainSingle().Subject;
        port.Text("port").Should().Be(redis[1]);

        var deployment = OfKind("Deployment", "seq2seq-redis");
        service.Strings("spec", "selector").Should().NotBeEmpty()
            .And.BeSubsetOf(deployment.Strings("spec", "template", "metadata", "labels"));
        var container = deployment.Items("spec", "template", "spec", "containers").Should().ContainSingle().Subject;
        container.Items("ports").Should().ContainSingle(p => p.Text("name") == port.Text("targetPort") && p.Text("containerPort") == redis[1]);
        container.Text("securityContext", "readOnlyRootFilesystem").Should().Be("true");
    }

    [Fact]
    public void Runs_the_image_compose_builds()
    {
        var composeImage = Yaml.Single("docker/compose.yaml").Text("services", "seq2seq", "image");
        Container.Text("image").Split(':')[0].Should().Be(composeImage.Split(':')[0]);
    }
}
