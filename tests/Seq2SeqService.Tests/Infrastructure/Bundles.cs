using System.Text.Json;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>The repository's model bundles and the golden outputs the export wrote from PyTorch.</summary>
public static class Bundles
{
    public const string Default = "marian-tatoeba-en-fr";
    public const string Tiny = "tiny-marian";
    public const string Recurrent = "gru-tatoeba-en-fr";
    public const string TinyRecurrent = "tiny-gru";
    public const string TinyNllb = "tiny-nllb";
    public const string Multilingual = "m2m100-tatoeba-en-fr-hi";
    public const string TinyT5 = "tiny-t5";

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Settings that make a host serve <paramref name="bundle"/>: the default needs none.</summary>
    public static Dictionary<string, string?> SettingsFor(string bundle) => bundle is Default or Recurrent or Multilingual
        ? []
        : new() { ["Service:Models:Bundles:0:Path"] = Path.Combine(RepoRoot, "tests", "fixtures", bundle) };

    /// <summary>
    /// The golden file of what the default bundle serves unless told otherwise: its int8 graphs, whose static
    /// activation scales make <c>Variant = auto</c> choose them (docs/quantization.md#choosing-the-variant).
    /// </summary>
    public static Golden ServedByDefault(string strategy) => ReadGolden(Default, "quantized/" + strategy);

    public static Golden ReadGolden(string bundle, string strategy)
    {
        var path = Path.Combine(RepoRoot, "tests", "fixtures", "golden", bundle, strategy + ".json");
        return JsonSerializer.Deserialize<Golden>(File.ReadAllText(path), new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        })!;
    }

    private static string FindRepoRoot()
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

public sealed record Golden(string Model, GoldenSettings Settings, IReadOnlyList<GoldenCase> Cases);

public sealed record GoldenSettings(int MaxNewTokens, int NumBeams, float LengthPenalty, int NumReturnSequences,
    float RepetitionPenalty, int NoRepeatNgramSize)
{
    /// <summary>
    /// The request's <c>options</c> that reproduce these settings; the reference decoder that wrote the golden files
    /// has no repeat guard, so it is off.
    /// </summary>
    public object AsOptions() => new
    {
        repeat_guard = 0,
        max_new_tokens = MaxNewTokens,
        num_beams = NumBeams,
        length_penalty = LengthPenalty,
        num_return_sequences = NumReturnSequences,
        repetition_penalty = RepetitionPenalty,
        no_repeat_ngram_size = NoRepeatNgramSize,
    };
}

public sealed record GoldenCase(string Source, int[] InputIds, int[] OutputIds, string FinishReason, string Text);
