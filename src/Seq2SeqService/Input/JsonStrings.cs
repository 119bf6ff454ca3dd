using System.Text.Json;

namespace Seq2SeqService.Input;

/// <summary>
/// JSON allows escapes such as <c>"\ud800"</c> that decode to a lone UTF-16 surrogate, which no .NET string
/// reader accepts. Checking the whole document once, before any field is read, turns such a value (or member
/// name) anywhere in a body into a 400 that names where it is, instead of an exception deep in a reader.
/// </summary>
public static class JsonStrings
{
    public const string Problem = "is not valid UTF-16: it contains an unpaired surrogate escape such as \\ud800.";

    /// <summary>The JSON path of the first string or member name under an object that does not decode, or null.</summary>
    public static string? FirstInvalid(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryDecode(element.GetString, out _) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstInvalid(item, $"{path}[{index++}]") is { } invalid)
                    {
                        return invalid;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    var prefix = path.Length == 0 ? "" : path + ".";
                    if (!TryDecode(() => member.Name, out var name))
                    {
                        return prefix + "(a member name)";
                    }

                    if (FirstInvalid(member.Value, prefix + name) is { } invalid)
                    {
                        return invalid;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool TryDecode(Func<string?> read, out string? value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }
}
