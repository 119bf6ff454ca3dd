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
    public void Onnx_runtime_is_fetched_before_the_build_with_everything_its_project_imports()
    {
        var instructions = Build.Instructions.ToList();
        var fetchIndex = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("docker/fetch-ort.proj"));
        fetchIndex.Should().BeGreaterThanOrEqualTo(0);
        CopiedFiles(instructions.Take(fetchIndex)).Should().Contain(ProjectFiles.Closure("docker/fetch-ort.proj"));

        var outputDir = instructions[fetchIndex].Arguments.Split(' ').Single(w => w.StartsWith("-p:OrtOutputDir=")).Split('=')[1];
        var env = instructions.FindIndex(i => i.Keyword == "ENV" && i.EnvPairs().ContainsKey("ORT_LIBRARY_PATH"));
        env.Should().BeGreaterThan(fetchIndex);
        instructions[env].EnvPairs()["ORT_LIBRARY_PATH"].Should().Be($"{outputDir}/libonnxruntime.so.1");
        instructions.FindIndex(i => i.Arguments.Contains("dotnet publish")).Should().BeGreaterThan(env);
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

    /// <summary>Repository files placed by COPY instructions (folders expanded to the files they hold).</summary>
    private static HashSet<string> CopiedFiles(IEnumerable<Instruction> instructions) =>
        instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from"))
            .SelectMany(i => i.CopyPaths().Sources)
            .SelectMany(Repo.FilesAt)
            .ToHashSet();
}
