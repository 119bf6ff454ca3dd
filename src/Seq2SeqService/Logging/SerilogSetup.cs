using Serilog;
using Serilog.Formatting.Compact;
using Seq2SeqService.Options;

namespace Seq2SeqService.Logging;

/// <summary>
/// Serilog as the host's logger (Serilog.AspNetCore), built from the host's final configuration (so test
/// hosts' overrides apply): levels and any extra sinks from the <c>Serilog</c> section, the console (text or
/// compact JSON) and an optional rolling file of compact JSON from <c>Service:Logging</c>, both written
/// asynchronously; control characters in any logged value are escaped first (<see cref="ControlCharacterEscaping"/>).
/// </summary>
public static class SerilogSetup
{
    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <remarks>
    /// The static <c>Log.Logger</c> is left alone: each host (tests run several in one process) logs through
    /// its own logger, which <see cref="RequestLogging"/> hands to the request logging middleware as well.
    /// </remarks>
    public static void AddServiceLogging(this WebApplicationBuilder builder) =>
        builder.Services.AddSerilog((services, logger) => Configure(logger, services.GetRequiredService<IConfiguration>()),
            preserveStaticLogger: true);

    private static void Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        var options = configuration.GetSection(LoggingOptions.Section).Get<LoggingOptions>() ?? new LoggingOptions();
        logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext().Enrich.With<ControlCharacterEscaping>();
        logger.WriteTo.Async(sink =>
        {
            if (options.ConsoleFormat == ConsoleLogFormat.Json)
            {
                sink.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                sink.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        if (!string.IsNullOrWhiteSpace(options.FilePath))
        {
            logger.WriteTo.Async(sink => sink.File(new RenderedCompactJsonFormatter(), options.FilePath,
                rollingInterval: RollingInterval.Day));
        }
    }
}
