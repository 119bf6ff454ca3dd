using System.Text;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>Locates and reads the committed reference fixtures under tests/fixtures/spm.</summary>
internal static class Fixtures
{
    public static string RepositoryRootPath { get; } = RepositoryRoot();

    public static string SpmDirectory { get; } = Path.Combine(RepositoryRootPath, "tests", "fixtures", "spm");

    public static string Spm(string fileName) => Path.Combine(SpmDirectory, fileName);

    /// <summary>
    /// Lines separated by '\n' only, as the reference tools read them: a carriage return or U+2028 inside a
    /// line belongs to the line.
    /// </summary>
    public static string[] ReadLines(string fileName)
    {
        var text = File.ReadAllText(Spm(fileName), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seq2SeqService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Repository root (Seq2SeqService.sln) not found above the test binaries.");
    }
}
