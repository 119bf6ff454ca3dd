using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Seq2SeqService.Options;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>
/// Whether a configuration key given as an environment variable (":" written "__") is one the service reads:
/// a property path through one of its options classes (found by their <c>Section</c> constant), or a key of
/// its appsettings.json (Serilog's section, which no options class of ours describes).
/// </summary>
public static class ServiceConfiguration
{
    private static readonly IReadOnlyList<(string Section, Type Type)> OptionsSections =
        typeof(ModelsOptions).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
            .ToList();

    private static readonly HashSet<string> AppSettingsKeys = Flatten(
        JsonDocument.Parse(Repo.Read("src/Seq2SeqService/appsettings.json")).RootElement, "").ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Sections => OptionsSections.Select(s => s.Section).ToList();

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

        return AppSettingsKeys.Contains(key) ? null : $"{key} is neither an options property nor in appsettings.json";
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

    private static IEnumerable<string> Flatten(JsonElement element, string prefix) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Flatten(p.Value, Join(prefix, p.Name))),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Flatten(e, Join(prefix, i.ToString()))),
        _ => [prefix],
    };

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + ":" + name;
}
