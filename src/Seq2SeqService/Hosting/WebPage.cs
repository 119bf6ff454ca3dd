using Microsoft.Extensions.FileProviders;

namespace Seq2SeqService.Hosting;

/// <summary>The page for people at GET /: index.html and its scripts and styles, from wwwroot.</summary>
public static class WebPage
{
    public static void UseWebPage(this WebApplication app)
    {
        // Started from another folder (e.g. `dotnet path/to/Seq2SeqService.dll`), the content root holds no
        // wwwroot; the copy that the build and publish put beside the application serves then.
        var folder = new[] { app.Environment.WebRootPath, Path.Combine(AppContext.BaseDirectory, "wwwroot") }
            .FirstOrDefault(path => path is not null && File.Exists(Path.Combine(path, "index.html")));
        if (folder is null)
        {
            app.Logger.LogWarning("No wwwroot/index.html beside the application: GET / serves no page.");
            return;
        }

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
    }
}
