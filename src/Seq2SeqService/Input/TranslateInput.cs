using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Seq2SeqService.Contracts;
using Seq2SeqService.Application;

namespace Seq2SeqService.Input;

/// <summary>
/// Reads and checks the shape of a POST /translate body: JSON types, unknown fields, <c>text</c> or
/// <c>texts</c>. Limits and model-specific checks are the translation service's.
/// </summary>
public static class TranslateInput
{
    private static readonly string[] Fields = ["text", "texts", "model", "source_language", "target_language", "task", "stream", "options"];

    /// <summary>Each option's property and JSON name, taken from <see cref="GenerationOptions"/> itself.</summary>
    public static readonly IReadOnlyList<(PropertyInfo Property, string Name)> OptionFields =
    [
        .. typeof(GenerationOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ??
                             throw new InvalidOperationException($"GenerationOptions.{p.Name} has no JSON name."))),
    ];

    /// <summary>The request, or the field errors (keyed by JSON path) that make it unusable.</summary>
    public static (TranslateRequest Request, IDictionary<string, string[]> Errors) Read(JsonElement root)
    {
        var fields = new JsonFields(root, "", new Dictionary<string, string[]>());
        fields.RejectUnknown(Fields);
        var request = new TranslateRequest
        {
            Text = fields.String("text"),
            Texts = fields.StringArray("texts"),
            Model = fields.String("model"),
            SourceLanguage = fields.String("source_language"),
            TargetLanguage = fields.String("target_language"),
            Task = fields.String("task"),
            Stream = fields.Bool("stream"),
            Options = fields.Object("options") is { } options ? ReadOptions(options) : null,
        };
        CheckTextOrTexts(request, fields);
        return (request, fields.Errors);
    }

    /// <summary>The texts in request order (one for the <c>text</c> form).</summary>
    public static IReadOnlyList<string> TextsOf(TranslateRequest request) =>
        request.Text is { } text ? [text] : request.Texts ?? [];

    /// <summary>
    /// The body's JSON path for a translation service input path: the <c>text</c> form has no array.
    /// </summary>
    public static string PathOf(TranslateRequest request, string path) =>
        request.Texts is null && path == TranslationService.TextPath(0) ? "text" : path;

    public static GenerationOptions ReadOptions(JsonFields options)
    {
        options.RejectUnknown([.. OptionFields.Select(f => f.Name)]);
        var read = new GenerationOptions();
        foreach (var (property, name) in OptionFields)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType);
            var value = property.PropertyType == typeof(string) ? options.String(name)
                : type == typeof(int) ? (object?)options.Int(name)
                : type == typeof(long) ? options.Long(name)
                : type == typeof(double) ? options.Number(name)
                : type == typeof(bool) ? options.Bool(name)
                : throw new InvalidOperationException($"GenerationOptions.{property.Name}: no JSON reader for {property.PropertyType}.");
            property.SetValue(read, value);
        }

        return read;
    }

    private static void CheckTextOrTexts(TranslateRequest request, JsonFields fields)
    {
        if (fields.Errors.ContainsKey("text") || fields.Errors.Keys.Any(k => k.StartsWith("texts", StringComparison.Ordinal)))
        {
            return;
        }

        switch (request.Text, request.Texts)
        {
            case (null, null):
                fields.Add("text", "is required: send \"text\" (one string) or \"texts\" (an array of strings).");
                break;
            case (not null, not null):
                fields.Add("texts", "cannot be combined with \"text\"; send one of them.");
                break;
        }
    }
}
