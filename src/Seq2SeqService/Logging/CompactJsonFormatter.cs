using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Seq2SeqService.Logging;

/// <summary>
/// One JSON object per event, in the compact layout log shippers know: <c>@t</c> timestamp, <c>@l</c> level
/// (omitted for Information), <c>@mt</c> template, <c>@m</c> rendered message, <c>@x</c> exception, then the
/// properties. Written here because Serilog.Formatting.Compact is not available.
/// </summary>
public sealed class CompactJsonFormatter : ITextFormatter
{
    // Log lines are read by people too: quotes and non-ASCII text stay as they are (JSON still escapes controls).
    private static readonly JsonWriterOptions WriterOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("@t", logEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            if (logEvent.Level != LogEventLevel.Information)
            {
                json.WriteString("@l", logEvent.Level.ToString());
            }

            json.WriteString("@mt", logEvent.MessageTemplate.Text);
            json.WriteString("@m", logEvent.RenderMessage(CultureInfo.InvariantCulture));
            if (logEvent.Exception is { } exception)
            {
                json.WriteString("@x", exception.ToString());
            }

            foreach (var (name, value) in logEvent.Properties)
            {
                json.WritePropertyName(name.StartsWith('@') ? "@" + name : name);
                Write(json, value);
            }

            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    private static void Write(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    Write(json, element);
                }

                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                if (structure.TypeTag is { } tag)
                {
                    json.WriteString("$type", tag);
                }

                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    Write(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "");
                    Write(json, element);
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumberValue(u);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case IFormattable formattable:
                json.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }
}
