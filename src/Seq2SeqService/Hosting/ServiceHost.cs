using Microsoft.Extensions.Options;
using Seq2SeqService.Catalog;
using Seq2SeqService.Logging;

namespace Seq2SeqService.Hosting;

/// <summary>
/// Builds and runs the web host. Anything that stops start-up — invalid configuration, a missing or corrupt
/// model — ends the process with exit code 1 after one log line that names the setting, file or tensor.
/// </summary>
public static class ServiceHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddServiceLogging();
            builder.AddSeq2SeqService();
            app = builder.Build();
            app.Services.GetRequiredService<IStartupValidator>().Validate();

            // Resolving the catalog loads every bundle, before the server listens; the pipeline is set up
            // meanwhile (start-up time).
            var services = app.Services;
            var loading = Task.Run(services.GetRequiredService<IModelCatalog>);
            app.UseSeq2SeqService();
            await loading;
        }
        catch (Exception e)
        {
            await ReportStartupFailureAsync(app, e);
            return 1;
        }

        await app.RunAsync();
        return Environment.ExitCode;
    }

    private static async Task ReportStartupFailureAsync(WebApplication? app, Exception error)
    {
        var reason = Describe(error);
        try
        {
            app!.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Seq2SeqService")
                .LogCritical("Start-up failed: {Reason:l}", reason);
        }
        catch (Exception)
        {
            // The logging configuration is what failed (or the host never got built): plain stderr instead.
            await Console.Error.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss.fff} FTL] Start-up failed: {reason}");
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>The error and its causes on one line.</summary>
    public static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            var message = e is OptionsValidationException validation
                ? string.Join("; ", validation.Failures)
                : e.Message;
            if (!parts.Contains(message))
            {
                parts.Add(message);
            }
        }

        return string.Join(" — ", parts).ReplaceLineEndings(" ");
    }
}
