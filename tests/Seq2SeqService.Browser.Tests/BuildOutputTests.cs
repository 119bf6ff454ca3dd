using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Seq2SeqService.Browser.Tests;

/// <summary>The page travels with the build output, as it does with the published app and the image.</summary>
public sealed class BuildOutputTests
{
    [Fact]
    public async Task The_built_service_started_from_another_folder_serves_the_page()
    {
        var port = FreePort();
        var folder = Directory.CreateTempSubdirectory("seq2seq-page-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Seq2SeqService.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await UntilReadyAsync(http, process);

            var page = await http.GetStringAsync("/");
            page.Should().Contain("<title>Seq2SeqService").And.Contain("src=\"page.js\"");
            using var script = await http.GetAsync("/page.js");
            script.StatusCode.Should().Be(HttpStatusCode.OK);
            script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task UntilReadyAsync(HttpClient http, Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            process.HasExited.Should().BeFalse("the service must keep running");
            try
            {
                using var ready = await http.GetAsync("/health/ready", timeout.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
