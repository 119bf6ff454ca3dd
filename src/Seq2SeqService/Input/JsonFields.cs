using System.Text.Json;

namespace Seq2SeqService.Input;

/// <summary>
/// Typed access to one JSON object's members; a member of the wrong type or an unknown member adds an error
/// keyed by its path (e.g. <c>options.num_beams</c>), so one response lists every problem. Null means absent.
/// </summary>
public sealed class JsonFields(JsonElement element, string prefix, IDictionary<string, string[]> errors)
{
    public IDictionary<string, string[]> Errors => errors;

    public void RejectUnknown(params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Add(Seq2SeqService.Errors.Echo.Truncate(property.Name), $"is not a known field; expected one of: {string.Join(", ", known)}.");
            }
        }
    }

    public string? String(string name) =>
        Get(name, JsonValueKind.String, "a string") is { } value ? value.GetString() : null;

    public bool? Bool(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Add(name, $"must be a boolean, not {JsonBody.Describe(value.ValueKind)}.");
        return null;
    }

    public int? Int(string name) => Get(name, JsonValueKind.Number, "an integer") is { } value
        ? value.TryGetInt32(out var number) ? number : Invalid<int>(name, "must be an integer within ±2147483647.")
        : null;

    public long? Long(string name) => Get(name, JsonValueKind.Number, "an integer") is { } value
        ? value.TryGetInt64(out var number) ? number : Invalid<long>(name, "must be a 64-bit integer.")
        : null;

    public double? Number(string name) =>
        Get(name, JsonValueKind.Number, "a number") is { } value ? value.GetDouble() : null;

    public JsonFields? Object(string name) => Get(name, JsonValueKind.Object, "an object") is { } value
        ? new JsonFields(value, Path(name) + ".", errors)
        : null;

    public List<string>? StringArray(string name)
    {
        if (Get(name, JsonValueKind.Array, "an array of strings") is not { } array)
        {
            return null;
        }

        var items = new List<string>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                Add($"{name}[{index}]", $"must be a string, not {JsonBody.Describe(item.ValueKind)}.");
            }

            index++;
        }

        return items;
    }

    public void Add(string name, string message)
    {
        var path = Path(name);
        errors[path] = errors.TryGetValue(path, out var existing) ? [.. existing, message] : [message];
    }

    private JsonElement? Get(string name, JsonValueKind kind, string expected)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == kind)
        {
            return value;
        }

        Add(name, $"must be {expected}, not {JsonBody.Describe(value.ValueKind)}.");
        return null;
    }

    private T? Invalid<T>(string name, string message) where T : struct
    {
        Add(name, message);
        return null;
    }

    private string Path(string name) => prefix + name;
}
