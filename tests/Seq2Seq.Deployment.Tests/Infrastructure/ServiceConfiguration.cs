using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Seq2SeqService.Options;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>
/// Whether a configuration key given as an environment variable (":" written "__") is one the service reads:
/// a property path through one of its options classes (found by their <c>Section</c> constant), or a key of
/// its appsettings.json (Serilog's section, which no options class of ours describes).
/// </summary>
public static class ServiceConfiguration
{
    public const string AppSettingsFile = "src/Seq2SeqService/appsettings.json";

    /// <summary>Each options class with the section it binds.</summary>
    public static IReadOnlyList<(string Section, Type Type)> OptionsSections { get; } =
        typeof(ModelsOptions).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
            .ToList();

    /// <summary>The shipped appsettings.json flattened to configuration keys, read as the service reads it (comments allowed).</summary>
    public static IReadOnlyDictionary<string, string> AppSettings { get; } = Flatten(
            JsonDocument.Parse(Repo.Read(AppSettingsFile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }).RootElement, "")
        .ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Sections => OptionsSections.Select(s => s.Section).ToList();

    /// <summary>The options of <paramref name="section"/> as the service binds them from appsettings.json and these settings.</summary>
    public static T Bind<T>(string section, IReadOnlyDictionary<string, string> settings) where T : new() =>
        (T)Bind(typeof(T), section, AppSettings.Concat(settings));

    /// <summary>The options of <paramref name="section"/> as the service binds them from appsettings.json alone: the defaults.</summary>
    public static object Defaults(Type type, string section) => Bind(type, section, AppSettings);

    /// <summary>
    /// Whether a setting (":" or "__" separated) changes what the service gets: for an options property, what its
    /// class binds over the shipped appsettings.json without that key; for another key, the shipped value. False
    /// for a setting that only repeats the default.
    /// </summary>
    public static bool ChangesTheDefault(string key, string value)
    {
        key = key.Replace("__", ":");
        var options = OptionsSections.FirstOrDefault(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase));
        if (options.Type is null)
        {
            return !(AppSettings.TryGetValue(key, out var shipped) && shipped == value);
        }

        var basis = AppSettings.Where(e => !e.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).ToList();
        var without = JsonSerializer.Serialize(Bind(options.Type, options.Section, basis));
        var with = JsonSerializer.Serialize(Bind(options.Type, options.Section, basis.Append(new(key, value))));
        return without != with;
    }

    /// <summary>Binds as the service does; a later setting of the same key wins, as in the service's configuration.</summary>
    private static object Bind(Type type, string section, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            merged[key.Replace("__", ":")] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(merged).Build().GetSection(section).Get(type) ??
               Activator.CreateInstance(type)!;
    }

    /// <summary>Null when the key exists and the value suits its type; otherwise why not.</summary>
    public static string? Problem(string environmentKey, string value)
    {
        var key = environmentKey.Replace("__", ":");
        foreach (var (section, type) in OptionsSections)
        {
            if (key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            {
                return PropertyPathProblem(type, key[(section.Length + 1)..].Split(':'), value, key);
            }
        }

        return AppSettings.ContainsKey(key) ? null : $"{key} is neither an options property nor in appsettings.json";
    }

    private static string? PropertyPathProblem(Type type, string[] path, string value, string key)
    {
        var current = type;
        for (var i = 0; i < path.Length; i++)
        {
            var element = ElementType(current);
            if (element is not null)
            {
                if (!int.TryParse(path[i], out _))
                {
                    return $"{key}: '{path[i]}' should be a list index";
                }

                current = element;
                continue;
            }

            var property = current.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{key}: {current.Name} has no property {path[i]}";
            }

            current = property.PropertyType;
        }

        var leaf = Nullable.GetUnderlyingType(current) ?? current;
        if (!(leaf.IsPrimitive || leaf.IsEnum || leaf == typeof(string) || leaf == typeof(decimal)))
        {
            return $"{key} names a section ({leaf.Name}), not a value";
        }

        try
        {
            TypeDescriptor.GetConverter(leaf).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return $"{key} = '{value}' is not a {leaf.Name}";
        }
    }

    private static Type? ElementType(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType
            ? type.GetGenericArguments()[0]
            : null;

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement element, string prefix) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Flatten(p.Value, Join(prefix, p.Name))),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Flatten(e, Join(prefix, i.ToString()))),
        _ => [KeyValuePair.Create(prefix, element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText())],
    };

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + ":" + name;
}
