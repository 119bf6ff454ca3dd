using Microsoft.Extensions.Logging;

namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>ONNX Runtime's log reaches the ILogger given to the environment.</summary>
[Collection(SerialCollection.Name)]
public class LoggingTests
{
    [Fact]
    public void Session_log_id_and_severity_reach_the_logger()
    {
        var logger = new CapturingLogger();
        OrtEnvironment.Initialize(logger, OrtLoggingLevel.Warning);
        var logId = $"probe-{Guid.NewGuid():N}";
        try
        {
            using var options = new SessionOptions();
            options.SetLogId(logId);
            options.SetLogSeverity(OrtLoggingLevel.Verbose);
            using var session = new InferenceSession(TestModels.MatMulAdd, options);
        }
        finally
        {
            OrtEnvironment.Initialize(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, OrtLoggingLevel.Warning);
        }

        var fromSession = logger.Messages.Where(m => m.Text.Contains(logId, StringComparison.Ordinal)).ToList();
        fromSession.Should().NotBeEmpty();
        fromSession.Should().Contain(m => m.Level == LogLevel.Debug, "verbose ONNX Runtime messages map to Debug");
    }

    [Fact]
    public void The_environment_level_cannot_change_once_created()
    {
        var existing = OrtEnvironment.Instance;
        var other = existing.LoggingLevel == OrtLoggingLevel.Error ? OrtLoggingLevel.Warning : OrtLoggingLevel.Error;

        var act = () => OrtEnvironment.Initialize(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, other);

        act.Should().Throw<InvalidOperationException>();
        OrtEnvironment.Instance.Should().BeSameAs(existing);
    }

    private sealed class CapturingLogger : ILogger
    {
        private readonly Lock _gate = new();
        private readonly List<(LogLevel Level, string Text)> _messages = [];

        public IReadOnlyList<(LogLevel Level, string Text)> Messages
        {
            get
            {
                lock (_gate)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_gate)
            {
                _messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
