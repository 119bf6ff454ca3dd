using System.Globalization;

namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>
/// The suite's measurements: written to the test output and appended, one line each, to the report file
/// (<c>SEQ2SEQ_RELIABILITY_REPORT</c>, or reliability-figures.txt beside the tests), which docs/reliability.md quotes.
/// </summary>
public sealed class Figures(ITestOutputHelper output, string test)
{
    private static readonly object FileLock = new();

    public static string ReportPath { get; } = Environment.GetEnvironmentVariable("SEQ2SEQ_RELIABILITY_REPORT") is { Length: > 0 } path
        ? path
        : Path.Combine(AppContext.BaseDirectory, "reliability-figures.txt");

    public void Add(string name, FormattableString value)
    {
        var line = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm}Z {test}: {name} = {value.ToString(CultureInfo.InvariantCulture)}";
        output.WriteLine(line);
        lock (FileLock)
        {
            File.AppendAllLines(ReportPath, [line]);
        }
    }
}
