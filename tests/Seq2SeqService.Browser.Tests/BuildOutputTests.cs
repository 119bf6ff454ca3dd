using System.Net;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Browser.Tests;

/// <summary>The page travels with the build output, as it does with the published app and the image.</summary>
public sealed class BuildOutputTests
{
    [Fact]
    public async Task The_built_service_started_from_another_folder_serves_the_page()
    {
        var folder = Directory.CreateTempSubdirectory("seq2seq-page-").FullName;
        try
        {
            await using var service = await ServiceProcess.StartAsync(workingDirectory: folder);

            var page = await service.Http.GetStringAsync("/");
            page.Should().Contain("<title>Seq2SeqService").And.Contain("src=\"page.js\"");
            using var script = await service.Http.GetAsync("/page.js");
            script.StatusCode.Should().Be(HttpStatusCode.OK);
            script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
