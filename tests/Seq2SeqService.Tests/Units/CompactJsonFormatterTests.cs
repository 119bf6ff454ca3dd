using System.Text.Json;
using Seq2SeqService.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace Seq2SeqService.Tests.Units;

public sealed class CompactJsonFormatterTests
{
    private static JsonElement Format(LogEventLevel level, Exception? exception = null)
    {
        var template = new MessageTemplateParser().Parse("Translated {Count} texts for {Model} in {Sizes}");
        var logEvent = new LogEvent(new DateTimeOffset(2026, 11, 22, 3, 4, 5, TimeSpan.Zero), level, exception, template,
        [
            new LogEventProperty("Count", new ScalarValue(3)),
            new LogEventProperty("Model", new ScalarValue("en \"fr\"\n")),
            new LogEventProperty("Sizes", new SequenceValue([new ScalarValue(1), new ScalarValue(2.5)])),
        ]);
        var output = new StringWriter();
        new CompactJsonFormatter().Format(logEvent, output);
        output.ToString().Should().EndWith("\n").And.Subject.Trim().Should().NotContain("\n");
        return JsonDocument.Parse(output.ToString()).RootElement;
    }

    [Fact]
    public void Writes_one_json_object_per_event_with_typed_properties()
    {
        var json = Format(LogEventLevel.Information);

        json.GetProperty("@t").GetString().Should().Be("2026-11-22T03:04:05.0000000Z");
        json.TryGetProperty("@l", out _).Should().BeFalse();
        json.GetProperty("@mt").GetString().Should().Be("Translated {Count} texts for {Model} in {Sizes}");
        json.GetProperty("@m").GetString().Should().Contain("Translated 3 texts");
        json.GetProperty("Count").GetInt32().Should().Be(3);
        json.GetProperty("Model").GetString().Should().Be("en \"fr\"\n");
        json.GetProperty("Sizes").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(1, 2.5);
    }

    [Fact]
    public void Names_non_information_levels_and_includes_exceptions()
    {
        var json = Format(LogEventLevel.Error, new InvalidOperationException("boom"));

        json.GetProperty("@l").GetString().Should().Be("Error");
        json.GetProperty("@x").GetString().Should().Contain("InvalidOperationException: boom");
    }
}
