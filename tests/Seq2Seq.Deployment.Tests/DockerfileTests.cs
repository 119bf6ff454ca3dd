using System.Text.RegularExpressions;
using System.Xml.Linq;
using Seq2Seq.Deployment.Tests.Infrastructure;
using Seq2SeqService.Health;

namespace Seq2Seq.Deployment.Tests;

public class DockerfileTests
{
    public const string ServiceProject = "src/Seq2SeqService/Seq2SeqService.csproj";
    public const int AppUid = 1654;
    public const int HttpPort = 8080;

    private static readonly IReadOnlyList<BuildStage> Stages = DockerfileParser.Stages("Dockerfile");
    private static BuildStage Build => Stages[0];
    private static BuildStage Runtime => Stages[^1];

    /// <summary>The command the image runs: ENTRYPOINT of the final stage.</summary>
    public static IReadOnlyList<string> Entrypoint => Runtime.Only("ENTRYPOINT").ExecForm()!;

    public static IReadOnlyList<string> HealthcheckCommand => Runtime.Only("HEALTHCHECK").ExecForm()!;

    public static int ExposedPort => int.Parse(Runtime.Only("EXPOSE").Arguments);

    public static IReadOnlyDictionary<string, string> RuntimeEnv => Runtime.Env;

    private static string Restore => Build.All("RUN").Should().ContainSingle(r => r.Arguments.Contains("dotnet restore")).Subject.Arguments;

    private static string Publish => Build.All("RUN").Should().ContainSingle(r => r.Arguments.Contains("dotnet publish")).Subject.Arguments;

    private static string PublishFolder => Publish.Split(' ').SkipWhile(w => w != "-o").ElementAt(1).TrimEnd('/');

    [Fact]
    public void Builds_on_the_sdk_image_and_runs_on_runtime_deps_with_no_second_runtime()
    {
        Stages.Should().HaveCount(2);
        Build.BaseImage.Should().Be("mcr.microsoft.com/dotnet/sdk:10.0");
        Runtime.BaseImage.Should().Be("mcr.microsoft.com/dotnet/runtime-deps:10.0", "the published app carries its own runtime");
        Runtime.All("COPY").Should().Contain(c => c.Arguments.StartsWith($"--from={Build.Name} "));
        Runtime.All("RUN").Should().BeEmpty("the runtime stage installs nothing, a .NET runtime least of all");
    }

    [Fact]
    public void The_project_publishes_self_contained_for_linux_x64_so_runtime_deps_can_run_it()
    {
        var properties = XDocument.Load(Repo.PathOf(ServiceProject)).Descendants("PropertyGroup").ToList();
        properties.Should().Contain(g => (string?)g.Element("RuntimeIdentifier") == "linux-x64" && g.Attribute("Condition") == null);
        var publishing = properties.Should().ContainSingle(g => ((string?)g.Attribute("Condition") ?? "").Contains("$(_IsPublishing)")).Subject;
        ((string?)publishing.Element("SelfContained")).Should().Be("true");
        ((string?)publishing.Element("PublishReadyToRunComposite")).Should().Be("true");

        Publish.Should().NotContainAny(["UseAppHost=false", "SelfContained=false", "--self-contained false", "--no-self-contained"]);
    }

    [Fact]
    public void Restore_sees_the_project_as_publish_does_so_the_publish_needs_no_restore_of_its_own()
    {
        Publish.Should().Contain("--no-restore");
        Restore.Should().Contain("-p:_IsPublishing=true", "the project's publish-only settings decide which runtime packs the restore fetches");
        Regex.Matches(Publish, @"-p:\S+").Select(m => m.Value).Should().BeSubsetOf(Regex.Matches(Restore, @"-p:\S+").Select(m => m.Value));
    }

    [Fact]
    public void Runs_as_the_non_root_app_user_on_port_8080()
    {
        Runtime.Only("USER").Arguments.Should().BeOneOf("$APP_UID", AppUid.ToString());
        ExposedPort.Should().Be(HttpPort);
        RuntimeEnv["ASPNETCORE_HTTP_PORTS"].Should().Be(HttpPort.ToString());
    }

    [Fact]
    public void Entrypoint_and_healthcheck_are_exec_form_and_run_the_published_apphost()
    {
        var apphost = $"{PublishFolder}/{typeof(HealthCheckCommand).Assembly.GetName().Name}";

        Entrypoint.Should().Equal(apphost);
        HealthcheckCommand.Should().Equal([.. Entrypoint, HealthCheckCommand.Switch]);
        Publish.Should().Contain($"test -x {apphost}", "the build fails if the publish leaves no apphost");
        Runtime.Instructions.Should().Contain(i => i.Keyword == "COPY" && i.Arguments.Contains($"--from={Build.Name} {PublishFolder}"));
        Runtime.Only("STOPSIGNAL").Arguments.Should().Be("SIGTERM");
    }

    [Fact]
    public void Restore_layer_copies_every_msbuild_file_the_service_needs_before_restoring()
    {
        var restoreIndex = Build.Instructions.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments == Restore);
        restoreIndex.Should().BeGreaterThan(0);
        var copiedBefore = CopiedFiles(Build.Instructions.Take(restoreIndex));

        var needed = ProjectFiles.Closure(ServiceProject)
            .Concat(["Directory.Build.props", "Directory.Packages.props", "global.json"]);
        copiedBefore.Should().Contain(needed);
        copiedBefore.Should().OnlyContain(f => File.Exists(Repo.PathOf(f)));

        var sourcesIndex = Build.Instructions.ToList().FindIndex(i => i.Keyword == "COPY" && i.Arguments == "src/ src/");
        sourcesIndex.Should().BeGreaterThan(restoreIndex, "sources come after the restore layer");
    }

    [Fact]
    public void Build_stage_installs_nothing_beyond_the_sdk_image()
    {
        // ONNX Runtime's native library arrives with its NuGet package in the restore.
        Build.All("RUN").Should().NotContain(r => r.Arguments.Contains("apt-get") || Regex.IsMatch(r.Arguments, @"\bnpm\b"));
        Publish.Should().Contain($"test -f {PublishFolder}/libonnxruntime.so", "the publish must carry the native library the package restored");
    }

    [Fact]
    public void Onnx_runtime_telemetry_is_off_so_nothing_is_written_under_home()
    {
        RuntimeEnv["ORT_DISABLE_TELEMETRY"].Should().Be("1");
    }

    [Fact]
    public void No_build_or_ci_file_calls_npm()
    {
        var files = new[] { "Dockerfile", ".ci/run", "Directory.Build.props", "Directory.Packages.props" }
            .Concat(Repo.FilesAt("src").Concat(Repo.FilesAt("tests"))
                .Where(f => !f.Split('/').Intersect(["bin", "obj"]).Any())
                .Where(f => f.EndsWith(".csproj") || f.EndsWith(".targets") || f.EndsWith(".props")));
        files.Where(f => Regex.IsMatch(Repo.Read(f), @"\bnpm\b")).Should().BeEmpty();
    }

    [Fact]
    public void Deployment_files_address_no_host_but_the_loopback_one()
    {
        var files = new[] { "Dockerfile", ".dockerignore" }.Concat(Repo.FilesAt("docker")).ToList();
        var hosts = files.SelectMany(f => Regex.Matches(Repo.Read(f), @"\b[a-z][a-z0-9+.-]*://\[?([^/\s:""'$\]]+)")
                .Select(m => $"{f}: {m.Groups[1].Value}"))
            .ToList();
        hosts.Should().NotBeEmpty("the image test and compose file address the service");
        hosts.Should().OnlyContain(h => h.EndsWith(": 127.0.0.1") || h.EndsWith(": localhost"),
            "packages come through NuGet and apt as the machine configures them, by name, never from a URL written here");
    }

    [Fact]
    public void Every_configured_bundle_is_baked_in_where_the_configuration_points()
    {
        var copies = Runtime.All("COPY").Where(c => !c.Arguments.StartsWith("--from")).Select(c => c.CopyPaths()).ToList();
        var configured = ServiceConfiguration.AppSettings.Keys.Count(k => Regex.IsMatch(k, @"^Service:Models:Bundles:\d+:Path$"));
        configured.Should().BeGreaterThan(2, "the Transformer, the recurrent and the multilingual bundle are the default configuration's");
        copies.Should().HaveCount(configured, "every bundle of the default configuration is baked in");
        for (var i = 0; i < copies.Count; i++)
        {
            var (sources, destination) = copies[i];
            var bundle = sources.Should().ContainSingle().Subject;
            RuntimeEnv[$"Service__Models__Bundles__{i}__Path"].TrimEnd('/').Should().Be(destination.TrimEnd('/'));
            File.Exists(Repo.PathOf(Path.Combine(bundle, "config.json"))).Should().BeTrue($"{bundle} is a model bundle");
            File.Exists(Repo.PathOf(Path.Combine(bundle, "encoder_model.onnx"))).Should().BeTrue();
        }
    }

    [Fact]
    public void Service_settings_in_env_are_real_configuration_keys()
    {
        var settings = RuntimeEnv.Where(e => !e.Key.StartsWith("ASPNETCORE_") && !e.Key.StartsWith("ORT_")).ToList();
        settings.Should().NotBeEmpty();
        settings.Select(e => ServiceConfiguration.Problem(e.Key, e.Value)).Should().AllBeEquivalentTo((string?)null);
    }

    /// <summary>Package names of the `apt-get install` commands in a RUN instruction.</summary>
    private static IEnumerable<string> AptInstalls(Instruction run) =>
        Regex.Matches(run.Arguments, @"apt-get install((?:\s+[^\s&;|]+)+)")
            .SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => !w.StartsWith('-'));

    /// <summary>Repository files placed by COPY instructions (folders expanded to the files they hold).</summary>
    private static HashSet<string> CopiedFiles(IEnumerable<Instruction> instructions) =>
        instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from"))
            .SelectMany(i => i.CopyPaths().Sources)
            .SelectMany(Repo.FilesAt)
            .ToHashSet();
}
