using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// The independent tools that write the test documents and read the translations back (python3-docx,
/// python3-openpyxl, pandoc; tests/fixtures/documents), and what a French text looks like.
/// </summary>
public static partial class DocumentTools
{
    private static string Scripts => Path.Combine(Bundles.RepoRoot, "tests", "fixtures", "documents");

    /// <summary>A test document of <paramref name="kind"/>, as make.py writes it.</summary>
    public static byte[] Make(string kind)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("documents-make-").FullName, "made." + Extension(kind));
        try
        {
            Run("/usr/bin/python3", Path.Combine(Scripts, "make.py"), kind, path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>The structure read.py finds in <paramref name="file"/>.</summary>
    public static JsonElement Read(string kind, byte[] file)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("documents-read-").FullName, "read." + Extension(kind));
        try
        {
            File.WriteAllBytes(path, file);
            return JsonDocument.Parse(Run("/usr/bin/python3", Path.Combine(Scripts, "read.py"), kind, path)).RootElement.Clone();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>A kind's file extension: the kind itself, or its part before the dash ("xlsx-shared" is an xlsx).</summary>
    private static string Extension(string kind) => kind.Split('-')[0];

    /// <summary>Has words only French has among the model's usual output, and is not the English source.</summary>
    public static bool IsFrenchFor(string translation, string source) =>
        translation != source && FrenchWord().IsMatch(translation);

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)} failed: {error}");
        return output.Result;
    }

    [GeneratedRegex(@"\b(le|la|les|un|une|des|du|est|et|je|j'ai|il|elle|sur|dans|très|où|merci|beaucoup|chat|chien|gare|voiture|livre|frère|temps|aujourd'hui|maison|pommes|plage|ville|vacances|rouge|bleu|grand|petit)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex FrenchWord();
}
