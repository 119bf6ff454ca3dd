using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Seq2Seq.Deployment.Tests.Infrastructure;

namespace Seq2Seq.Deployment.Tests;

/// <summary>
/// Every setting's default is declared once, by its options class; the files that configure the service set only
/// what they change, and the docs' settings tables say what the code does.
/// </summary>
public partial class SettingDefaultsTests
{
    /// <summary>The tables that list every setting: configuration.md's, which sends Service:Auth to compatible-apis.md's.</summary>
    private static readonly string[] SettingsDocs = ["docs/configuration.md", "docs/compatible-apis.md"];

    public static TheoryData<string> ConfiguringFiles => ["appsettings.json", "compose", "ConfigMap", "Dockerfile"];

    [Theory]
    [MemberData(nameof(ConfiguringFiles))]
    public void Files_that_configure_the_service_set_only_what_differs_from_the_default(string file)
    {
        var settings = SettingsOf(file);
        settings.Should().NotBeEmpty();
        settings.Where(e => !ServiceConfiguration.ChangesTheDefault(e.Key, e.Value))
            .Select(e => $"{e.Key}={e.Value}").Should().BeEmpty("a value equal to the default is a second declaration of it");
    }

    [Fact]
    public void The_settings_tables_list_every_setting_once()
    {
        var documented = SettingsDocs.SelectMany(Rows).SelectMany(r => r.Settings).ToList();
        CodeDefaults().Keys.Select(setting => (Setting: setting, Rows: documented.Count(d => d == setting)))
            .Where(d => d.Rows != 1)
            .Select(d => $"{d.Setting} is in {d.Rows} rows of {string.Join(" and ", SettingsDocs)}")
            .Should().BeEmpty();
    }

    [Fact]
    public void Every_settings_table_in_the_docs_names_real_settings_with_the_codes_defaults()
    {
        var defaults = CodeDefaults();
        var problems = new List<string>();
        foreach (var row in Directory.EnumerateFiles(Repo.PathOf("docs"), "*.md")
                     .SelectMany(f => Rows(Path.GetRelativePath(Repo.Root, f))))
        {
            foreach (var setting in row.Settings.Where(s => s.StartsWith("Service:", StringComparison.Ordinal)))
            {
                problems.AddRange(defaults.TryGetValue(setting, out var values)
                    ? DefaultProblem(setting, values, row.Default, row.Where)
                    : [$"{row.Where}: {setting} is no property of an options class"]);
            }

            // Serilog reads many keys of its own; those appsettings.json sets have its value as their default.
            foreach (var setting in row.Settings)
            {
                if (setting.StartsWith("Serilog:", StringComparison.Ordinal) &&
                    ServiceConfiguration.AppSettings.TryGetValue(setting, out var shipped))
                {
                    problems.AddRange(DefaultProblem(setting, [shipped], row.Default, row.Where));
                }
            }
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public void The_table_reader_finds_the_rows_and_their_defaults()
    {
        var rows = Rows("docs/configuration.md").ToList();
        rows.Should().Contain(r => r.Settings.SequenceEqual(new[] { "Service:Server:Swagger", "Service:Server:Metrics" }) &&
                                   CodeSpans(r.Default).SequenceEqual(new[] { "true" }));
        rows.Should().Contain(r => r.Settings.SequenceEqual(new[] { "Service:Batching:MaxBatchSequences" }));
        DefaultProblem("Service:Queue:Capacity", ["256"], "`255`", "here").Should().ContainSingle();
        DefaultProblem("Service:Server:OperatorKey", [null], "none", "here").Should().BeEmpty();
        DefaultProblem("Service:Server:Cors", ["*"], "none", "here").Should().ContainSingle();
    }

    /// <summary>
    /// What a row must say: the code's values exactly, as code spans; a setting without a value in code (null or
    /// empty: none, or derived at run time) is described in words instead.
    /// </summary>
    private static IEnumerable<string> DefaultProblem(string setting, IReadOnlyList<string?> values, string cell, string where)
    {
        var expected = values.Where(v => !string.IsNullOrEmpty(v)).Distinct().Order(StringComparer.Ordinal).ToList();
        var written = CodeSpans(cell).Distinct().Order(StringComparer.Ordinal).ToList();
        if (expected.Count == 0)
        {
            return cell.Trim().Length == 0 ? [$"{where}: {setting} has an empty default cell"] : [];
        }

        return written.SequenceEqual(expected)
            ? []
            : [$"{where}: {setting} is documented as '{cell}', the code's default is {string.Join(", ", expected.Select(e => $"`{e}`"))}"];
    }

    /// <summary>
    /// Every leaf setting of every options class ("Service:Models:Bundles:N:Path" for list items) with its values as
    /// the service binds them from the shipped appsettings.json alone: one per list item, or a new item's when the
    /// list is empty.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string?>> CodeDefaults()
    {
        var defaults = new Dictionary<string, IReadOnlyList<string?>>();
        foreach (var (section, type) in ServiceConfiguration.OptionsSections)
        {
            Collect(section, type, [ServiceConfiguration.Defaults(type, section)], defaults);
        }

        return defaults;
    }

    private static void Collect(string path, Type type, IReadOnlyList<object> instances,
        Dictionary<string, IReadOnlyList<string?>> defaults)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{path}:{property.Name}";
            var values = instances.Select(property.GetValue).ToList();
            var propertyType = property.PropertyType;
            if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var element = propertyType.GetGenericArguments()[0];
                var items = values.SelectMany(v => ((IEnumerable)v!).Cast<object>()).ToList();
                Collect($"{key}:N", element, items.Count > 0 ? items : [Activator.CreateInstance(element)!], defaults);
            }
            else if (propertyType.IsClass && propertyType != typeof(string))
            {
                Collect(key, propertyType, values.Select(v => v ?? Activator.CreateInstance(propertyType)!).ToList(), defaults);
            }
            else
            {
                defaults[key] = values.Select(Format).ToList();
            }
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>The rows of a file's "| Setting | Default | …" tables: the settings named in the first cell, the second cell.</summary>
    private static IEnumerable<(IReadOnlyList<string> Settings, string Default, string Where)> Rows(string file)
    {
        var lines = Repo.Read(file).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TableHeader().IsMatch(lines[i]))
            {
                continue;
            }

            for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            {
                var cells = lines[i].Split('|');
                yield return (CodeSpans(cells[1]), cells[2].Trim(), $"{file}:{i + 1}");
            }
        }
    }

    private static IReadOnlyList<string> CodeSpans(string cell) =>
        CodeSpan().Matches(cell).Select(m => m.Groups[1].Value).ToList();

    private static IReadOnlyDictionary<string, string> SettingsOf(string file) => file switch
    {
        "appsettings.json" => ServiceConfiguration.AppSettings
            .Where(e => ServiceConfiguration.Sections.Any(s => e.Key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(),
        "compose" => ComposeTests.Environment.ToDictionary(e => e.Key, e => ComposeTests.Defaults(e.Value)),
        "ConfigMap" => KubernetesTests.Config,
        "Dockerfile" => DockerfileTests.RuntimeEnv.Where(e => e.Key.StartsWith("Service__", StringComparison.Ordinal)).ToDictionary(),
        _ => throw new ArgumentOutOfRangeException(nameof(file)),
    };

    [GeneratedRegex(@"^\|\s*Setting\s*\|\s*Default\s*\|", RegexOptions.IgnoreCase)]
    private static partial Regex TableHeader();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
