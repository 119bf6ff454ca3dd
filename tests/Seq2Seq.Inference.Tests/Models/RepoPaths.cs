namespace Seq2Seq.Inference.Tests.Models;

/// <summary>Locations of the committed bundles and fixtures, found from the repository root.</summary>
internal static class RepoPaths
{
    public const string DefaultBundle = "marian-tatoeba-en-fr";
    public const string TinyBundle = "tiny-marian";
    public const string RecurrentBundle = "gru-tatoeba-en-fr";
    public const string TinyRecurrentBundle = "tiny-gru";
    public const string TinyNllbBundle = "tiny-nllb";
    public const string TinyMBartBundle = "tiny-mbart";
    public const string MultilingualBundle = "m2m100-tatoeba-en-fr-hi";
    public const string TinyT5Bundle = "tiny-t5";
    public const string TinyT5V1Bundle = "tiny-t5-v1";
    public const string TinyM2M100Bundle = "tiny-m2m100";
    public const string TinyMBartCc25Bundle = "tiny-mbart-cc25";
    public const string TinyBartBundle = "tiny-bart";

    public static string Root { get; } = FindRoot();

    public static string Bundle(string name) =>
        name.StartsWith("tiny-", StringComparison.Ordinal) ? Path.Combine(Root, "tests", "fixtures", name) : Path.Combine(Root, "models", name);

    public static string Golden(string bundle, string file) => Path.Combine(Root, "tests", "fixtures", "golden", bundle, file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seq2SeqService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Seq2SeqService.sln not found above " + AppContext.BaseDirectory);
    }
}
