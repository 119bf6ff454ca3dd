using Serilog;
using Serilog.Extensions.Logging;
using Seq2SeqService.Options;

namespace Seq2SeqService.Logging;

/// <summary>
/// Serilog behind Microsoft.Extensions.Logging, built from the host's final configuration (so test hosts'
/// overrides apply): levels and any extra sinks from the <c>Serilog</c> section, the console (text or
/// compact JSON) and an optional rolling file from <c>Service:Logging</c>, both written asynchronously.
/// </summary>
public static class SerilogSetup
{
    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static void AddServiceLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // Serilog's own minimum level decides; the Microsoft filter lets everything through to it.
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new SerilogLoggerProvider(CreateLogger(services.GetRequiredService<IConfiguration>()), dispose: true));
    }

    public static Serilog.Core.Logger CreateLogger(IConfiguration configuration)
    {
        var options = configuration.GetSection(LoggingOptions.Section).Get<LoggingOptions>() ?? new LoggingOptions();
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext();
        logger.WriteTo.Async(sink =>
        {
            if (options.ConsoleFormat == ConsoleLogFormat.Json)
            {
                sink.Console(new CompactJsonFormatter());
            }
            else
            {
                sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        if (!string.IsNullOrWhiteSpace(options.FilePath))
        {
            logger.WriteTo.Async(sink => sink.File(new CompactJsonFormatter(), options.FilePath,
                rollingInterval: RollingInterval.Day));
        }

        return logger.CreateLogger();
    }
}
