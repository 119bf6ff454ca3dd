using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Seq2Seq.OnnxRuntime.Native;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// The process-wide ONNX Runtime environment (OrtEnv). ONNX Runtime allows one per process, and every session
/// depends on it, so it is created on first use and lives until the process exits; its log messages go to the
/// <see cref="ILogger"/> given to <see cref="Initialize"/>.
/// </summary>
public sealed unsafe class OrtEnvironment
{
    private static readonly Lock Gate = new();
    private static OrtEnvironment? _instance;
    private static ILogger _logger = NullLogger.Instance;

    private OrtEnvironment(nint handle, OrtLoggingLevel loggingLevel)
    {
        Handle = handle;
        LoggingLevel = loggingLevel;
    }

    /// <summary>The environment, created with <see cref="OrtLoggingLevel.Warning"/> if nothing initialized it.</summary>
    public static OrtEnvironment Instance => Volatile.Read(ref _instance) ?? Initialize(Volatile.Read(ref _logger));

    /// <summary>Version of the loaded native library, e.g. "1.30.0".</summary>
    public string Version => OrtLibrary.Version;

    /// <summary>The least severe ONNX Runtime message passed on to the logger; fixed when the environment is created.</summary>
    public OrtLoggingLevel LoggingLevel { get; }

    /// <summary>The ONNX Runtime library version, loading the library if needed.</summary>
    public static string LibraryVersion => OrtLibrary.Version;

    internal nint Handle { get; }

    /// <summary>
    /// Routes ONNX Runtime's log messages to <paramref name="logger"/> and creates the environment if it does
    /// not exist yet. The logger can be replaced at any time; the level cannot change once the environment exists.
    /// </summary>
    /// <exception cref="InvalidOperationException">The environment already exists with another level.</exception>
    public static OrtEnvironment Initialize(ILogger logger, OrtLoggingLevel loggingLevel = OrtLoggingLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(logger);
        lock (Gate)
        {
            Volatile.Write(ref _logger, logger);
            if (_instance is { } existing)
            {
                if (existing.LoggingLevel != loggingLevel)
                {
                    throw new InvalidOperationException(
                        $"The ONNX Runtime environment already exists with logging level {existing.LoggingLevel}; it cannot change to {loggingLevel}.");
                }

                return existing;
            }

            OrtLibrary.EnsureLoaded();
            nint handle;
            fixed (byte* logId = "Seq2Seq"u8)
            {
                OnnxRuntimeException.ThrowIfFailed(
                    OrtApi.CreateEnvWithCustomLogger(&OnLog, 0, (int)loggingLevel, logId, &handle));
            }

            var created = new OrtEnvironment(handle, loggingLevel);
            Volatile.Write(ref _instance, created);
            return created;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        // An exception must never unwind into native code: it would terminate the process.
        try
        {
            var logger = Volatile.Read(ref _logger);
            var level = ToLogLevel((OrtLoggingLevel)severity);
            if (logger.IsEnabled(level))
            {
                logger.Log(level, "ONNX Runtime [{OrtLogId}] {OrtCategory} {OrtCodeLocation}: {OrtMessage}",
                    Utf8.Decode(logId), Utf8.Decode(category), Utf8.Decode(codeLocation), Utf8.Decode(message));
            }
        }
        catch (Exception)
        {
            // A failing logger loses this one message rather than the process.
        }
    }

    private static LogLevel ToLogLevel(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.Verbose => LogLevel.Debug,
        OrtLoggingLevel.Info => LogLevel.Information,
        OrtLoggingLevel.Warning => LogLevel.Warning,
        OrtLoggingLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}
