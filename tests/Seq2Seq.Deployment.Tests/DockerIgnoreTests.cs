using Seq2Seq.Deployment.Tests.Infrastructure;

namespace Seq2Seq.Deployment.Tests;

public class DockerIgnoreTests
{
    private static readonly DockerIgnore Ignore = new(Repo.Read(".dockerignore"));

    [Theory]
    [InlineData(".git/HEAD")]
    [InlineData("src/Seq2SeqService/bin/Release/net10.0/Seq2SeqService.dll")]
    [InlineData("src/Seq2Seq.Inference/obj/project.assets.json")]
    [InlineData("models/training/runs/checkpoint.pt")]
    [InlineData("models/training/work/train.tsv")]
    [InlineData("tests/fixtures/tiny-marian/config.json")]
    public void Keeps_build_outputs_history_and_training_data_out_of_the_context(string path) =>
        Ignore.Excludes(path).Should().BeTrue();

    [Fact]
    public void Keeps_everything_the_dockerfile_copies()
    {
        var sources = DockerfileParser.Stages("Dockerfile").SelectMany(s => s.All("COPY"))
            .Where(c => !c.Arguments.StartsWith("--from"))
            .SelectMany(c => c.CopyPaths().Sources)
            .ToList();
        sources.Should().NotBeEmpty();

        foreach (var source in sources)
        {
            var files = Repo.FilesAt(source).Where(f => !f.Split('/').Intersect(["bin", "obj"]).Any()).ToList();
            files.Should().NotBeEmpty(source);
            files.Where(Ignore.Excludes).Should().BeEmpty($"COPY {source} needs them in the build context");
        }
    }

    [Fact]
    public void The_matcher_follows_docker_rules()
    {
        var ignore = new DockerIgnore("**/bin/\ndocker/*\n!docker/keep.proj\n");
        ignore.Excludes("bin/x").Should().BeTrue();
        ignore.Excludes("a/b/bin/x").Should().BeTrue();
        ignore.Excludes("a/binary/x").Should().BeFalse();
        ignore.Excludes("docker/k8s/deployment.yaml").Should().BeTrue();
        ignore.Excludes("docker/keep.proj").Should().BeFalse();
        ignore.Excludes("dockerfile").Should().BeFalse();
    }
}
