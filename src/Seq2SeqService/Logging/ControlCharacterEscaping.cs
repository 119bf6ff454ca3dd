using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace Seq2SeqService.Logging;

/// <summary>
/// Rewrites every string a log event carries so that control characters (C0, DEL, C1, U+2028/U+2029) appear as
/// <c>\n</c>, <c>\u001b</c> and the like. Paths, headers and texts come from clients: unescaped, a
/// <c>%0a</c> in a URL would start a forged line in the text log and an ESC would drive the reader's terminal.
/// </summary>
public sealed class ControlCharacterEscaping : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            if (Escaped(value) is { } escaped)
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, escaped));
            }
        }
    }

    /// <summary>The value with its strings escaped, or <see langword="null"/> when nothing needed escaping.</summary>
    private static LogEventPropertyValue? Escaped(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when NeedsEscaping(text):
                return new ScalarValue(Escape(text));
            case SequenceValue sequence:
            {
                var elements = sequence.Elements.Select(e => Escaped(e)).ToList();
                return elements.Any(e => e is not null)
                    ? new SequenceValue(elements.Select((e, i) => e ?? sequence.Elements[i]))
                    : null;
            }
            case StructureValue structure:
            {
                var properties = structure.Properties.Select(p => Escaped(p.Value)).ToList();
                return properties.Any(p => p is not null)
                    ? new StructureValue(structure.Properties.Select((p, i) =>
                        properties[i] is { } escaped ? new LogEventProperty(p.Name, escaped) : p), structure.TypeTag)
                    : null;
            }
            default:
                return null;
        }
    }

    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static bool NeedsEscaping(string text) => text.Any(IsControl);

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ when IsControl(c) => escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
