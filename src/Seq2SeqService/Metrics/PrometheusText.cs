using System.Globalization;
using System.Text;

namespace Seq2SeqService.Metrics;

/// <summary>The pieces of the Prometheus text exposition format (version 0.0.4) the exporter needs.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Metric name for an instrument: dots become underscores, seconds get their unit suffix.</summary>
    public static string MetricName(string instrumentName, string? unit, bool isCounter)
    {
        var name = new StringBuilder(instrumentName.Length + 16);
        foreach (var c in instrumentName)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (unit == "s")
        {
            name.Append("_seconds");
        }

        if (isCounter)
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");

    /// <summary>Escapes HELP text: backslash and line feed.</summary>
    public static string EscapeHelp(string value) => value.Replace("\\", @"\\").Replace("\n", @"\n");

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary><c>{a="x",b="y"}</c>, or nothing when there are no labels.</summary>
    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var parts = labels.Select(l => $"{SanitizeLabelName(l.Key)}=\"{EscapeLabelValue(l.Value)}\"").ToList();
        return parts.Count == 0 ? "" : "{" + string.Join(",", parts) + "}";
    }

    private static string SanitizeLabelName(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));
}
