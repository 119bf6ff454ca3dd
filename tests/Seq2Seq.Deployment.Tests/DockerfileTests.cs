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

    [Fact]
    public void Builds_on_the_sdk_image_and_runs_on_the_aspnet_image()
    {
        Stages.Should().HaveCount(2);
        Build.BaseImage.Should().Be("mcr.microsoft.com/dotnet/sdk:10.0");
        Runtime.BaseImage.Should().Be("mcr.microsoft.com/dotnet/aspnet:10.0");
        Runtime.All("COPY").Should().Contain(c => c.Arguments.StartsWith($"--from={Build.Name} "));
    }

    [Fact]
    public void Runs_as_the_non_root_app_user_on_port_8080()
    {
        Runtime.Only("USER").Arguments.Should().BeOneOf("$APP_UID", AppUid.ToString());
        ExposedPort.Should().Be(HttpPort);
        RuntimeEnv["ASPNETCORE_HTTP_PORTS"].Should().Be(HttpPort.ToString());
    }

    [Fact]
    public void Entrypoint_and_healthcheck_are_exec_form_and_run_the_published_service()
    {
        var publish = Build.All("RUN").Should().ContainSingle(r => r.Arguments.Contains("dotnet publish")).Subject.Arguments;
        var publishFolder = publish.Split(' ').SkipWhile(w => w != "-o").ElementAt(1);
        var assembly = typeof(HealthCheckCommand).Assembly.GetName().Name + ".dll";

        Entrypoint.Should().Equal("dotnet", $"{publishFolder.TrimEnd('/')}/{assembly}");
        HealthcheckCommand.Should().Equal([.. Entrypoint, HealthCheckCommand.Switch]);
        Runtime.Instructions.Should().Contain(i => i.Keyword == "COPY" && i.Arguments.Contains($"--from={Build.Name} {publishFolder}"));
        Runtime.Only("STOPSIGNAL").Arguments.Should().Be("SIGTERM");
    }

    [Fact]
    public void Restore_layer_copies_every_msbuild_file_the_service_needs_before_restoring()
    {
        var restoreIndex = Build.Instructions.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore"));
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
    public void Npm_comes_from_the_base_image_package_manager_before_anything_is_copied()
    {
        var instructions = Build.Instructions.ToList();
        var npmIndex = instructions.FindIndex(i => i.Keyword == "RUN" && AptInstalls(i).Contains("npm"));
        npmIndex.Should().BeGreaterThanOrEqualTo(0, "the ONNX Runtime fetch runs `npm pack`");
        instructions[npmIndex].Arguments.Should().Contain("apt-get update");
        instructions.Take(npmIndex).Should().NotContain(i => i.Keyword == "COPY", "no repository change should install npm again");
    }

    [Fact]
    public void Onnx_runtime_is_fetched_by_its_own_targets_file_before_the_build()
    {
        const string targets = "src/Seq2Seq.OnnxRuntime/build/OnnxRuntimeNative.targets";
        var instructions = Build.Instructions.ToList();
        var fetchIndex = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet msbuild {targets}"));
        fetchIndex.Should().BeGreaterThan(instructions.FindIndex(i => i.Keyword == "RUN" && AptInstalls(i).Contains("npm")));
        CopiedFiles(instructions.Take(fetchIndex)).Should().BeEquivalentTo(ProjectFiles.Closure(targets), "the fetch layer depends on the targets file alone");

        var target = instructions[fetchIndex].Arguments.Split(' ').Single(w => w.StartsWith("-t:"))["-t:".Length..];
        XDocument.Load(Repo.PathOf(targets)).Descendants().Where(e => e.Name.LocalName == "Target")
            .Select(e => (string?)e.Attribute("Name")).Should().Contain(target);

        // The publish must take the library the targets file checked, from its cache, not one named elsewhere.
        Stages.SelectMany(s => s.All("ENV")).Should().NotContain(i => i.EnvPairs().ContainsKey("ORT_LIBRARY_PATH"));
        instructions.FindIndex(i => i.Arguments.Contains("dotnet publish")).Should().BeGreaterThan(fetchIndex);
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
            "packages come through apt and npm as the machine configures them, by name, never from a URL written here");
    }

    [Fact]
    public void Default_model_bundle_is_baked_in_where_the_configuration_points()
    {
        var (sources, destination) = Runtime.All("COPY").Where(c => !c.Arguments.StartsWith("--from"))
            .Should().ContainSingle().Subject.CopyPaths();
        var bundle = sources.Should().ContainSingle().Subject;

        RuntimeEnv["Service__Models__Bundles__0__Path"].TrimEnd('/').Should().Be(destination.TrimEnd('/'));
        File.Exists(Repo.PathOf(Path.Combine(bundle, "config.json"))).Should().BeTrue($"{bundle} is a model bundle");
        File.Exists(Repo.PathOf(Path.Combine(bundle, "encoder_model.onnx"))).Should().BeTrue();
    }

    [Fact]
    public void Service_settings_in_env_are_real_configuration_keys()
    {
        var settings = RuntimeEnv.Where(e => !e.Key.StartsWith("ASPNETCORE_")).ToList();
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
