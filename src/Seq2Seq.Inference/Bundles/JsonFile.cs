using System.Text.Json;

namespace Seq2Seq.Inference.Bundles;

/// <summary>Reads typed fields of a JSON object file, reporting the file and field on any mismatch.</summary>
internal sealed class JsonFile
{
    private readonly JsonElement _root;

    // Where the object sits in its file, so that a field is named as a path ("task_specific_params.summarization.").
    private readonly string _prefix;

    private JsonFile(string path, JsonElement root, string prefix = "")
    {
        Path = path;
        _root = root;
        _prefix = prefix;
    }

    public string Path { get; }

    public static JsonFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelBundleException(path, null, "is missing.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelBundleException(path, null, "is not a JSON object.");
            }

            return new JsonFile(path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new ModelBundleException(path, null, $"is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The object <paramref name="value"/> found at <paramref name="name"/> of this one, read alike.</summary>
    public JsonFile Nested(string name, JsonElement value) => value.ValueKind == JsonValueKind.Object
        ? new JsonFile(Path, value, $"{_prefix}{name}.")
        : throw new ModelBundleException(Path, _prefix + name, $"must be an object, not {value.GetRawText()}.");

    /// <summary>The object at <paramref name="name"/>, or null when the field is absent.</summary>
    public JsonFile? OptionalObject(string name) => Has(name) ? Nested(name, _root.GetProperty(name)) : null;

    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public int Int(string name, int? fallback = null)
    {
        if (!Has(name))
        {
            return fallback ?? throw new ModelBundleException(Path, _prefix + name, "is missing.");
        }

        var value = _root.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result)
            ? result
            : throw new ModelBundleException(Path, _prefix + name, $"must be an integer, not {value.GetRawText()}.");
    }

    public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

    public float? OptionalFloat(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var value = _root.GetProperty(name);
        return value.ValueKind == JsonValueKind.Number
            ? value.GetSingle()
            : throw new ModelBundleException(Path, _prefix + name, $"must be a number, not {value.GetRawText()}.");
    }

    public bool? OptionalBool(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var value = _root.GetProperty(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelBundleException(Path, _prefix + name, $"must be true or false, not {value.GetRawText()}."),
        };
    }

    public string? OptionalString(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var value = _root.GetProperty(name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ModelBundleException(Path, _prefix + name, $"must be a string, not {value.GetRawText()}.");
    }

    /// <summary>The members of an object field (e.g. task_specific_params), in file order.</summary>
    public IReadOnlyList<(string Name, JsonElement Value)>? OptionalMembers(string name)
    {
        if (!Has(name))
        {
            return null;
        }

        var value = _root.GetProperty(name);
        return value.ValueKind == JsonValueKind.Object
            ? [.. value.EnumerateObject().Select(p => (p.Name, p.Value))]
            : throw new ModelBundleException(Path, _prefix + name, $"must be an object, not {value.GetRawText()}.");
    }

    /// <summary>A list of strings, e.g. architectures.</summary>
    public string[]? OptionalStrings(string name) => OptionalList<string[]>(name, "a list of strings");

    /// <summary>A list of token-id lists, e.g. bad_words_ids.</summary>
    public int[][]? OptionalIdLists(string name) => OptionalList<int[][]>(name, "a list of lists of token ids");

    private T? OptionalList<T>(string name, string expected)
        where T : class
    {
        if (!Has(name))
        {
            return null;
        }

        try
        {
            return _root.GetProperty(name).Deserialize<T>();
        }
        catch (JsonException e)
        {
            throw new ModelBundleException(Path, _prefix + name, $"must be {expected}.", e);
        }
    }
}
