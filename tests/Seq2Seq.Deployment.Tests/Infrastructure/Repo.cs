namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>A file itself, or every file below a folder, as repository-relative '/'-separated paths.</summary>
    public static IReadOnlyList<string> FilesAt(string relative) => Directory.Exists(PathOf(relative))
        ? Directory.EnumerateFiles(PathOf(relative), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .ToList()
        : [relative];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seq2SeqService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Seq2SeqService.sln above {AppContext.BaseDirectory}");
    }
}
