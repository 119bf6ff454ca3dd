namespace Seq2Seq.Inference.Tests.Fakes;

/// <summary>Token conventions and logits scripts shared by the generation tests.</summary>
internal static class Scripts
{
    public const int Start = 0;
    public const int Eos = 1;

    public static GenerationSettings Settings(int vocabSize, int maxNewTokens = 10) => new()
    {
        MaxNewTokens = maxNewTokens,
        MaxNewTokensLimit = 64,
        EosTokenId = Eos,
        DecoderStartTokenId = Start,
        BadWordIds = [Start],
        VocabSize = vocabSize,
    };

    /// <summary>Logits = ln(p) from a table of next-token probabilities keyed by history; unknown → uniform.</summary>
    public static ScriptedRunner.Logits Table(Dictionary<string, double[]> table) => (_, history, output) =>
    {
        if (table.TryGetValue(string.Join(",", history), out var probabilities))
        {
            for (var t = 0; t < output.Length; t++)
            {
                output[t] = (float)Math.Log(probabilities[t]);
            }
        }
        else
        {
            output.Fill(0f);
        }
    };

    /// <summary>
    /// Pseudo-random but deterministic logits that depend on the whole source and history, with eos
    /// growing likelier as the history lengthens, so sequences end at varied lengths.
    /// </summary>
    public static ScriptedRunner.Logits Hashed(int seed) => (source, history, output) =>
    {
        var h = (ulong)seed * 0x9E3779B97F4A7C15UL;
        foreach (var s in source)
        {
            h = Mix(h ^ (ulong)s);
        }

        foreach (var t in history)
        {
            h = Mix(h ^ (ulong)(t + 1000));
        }

        for (var i = 0; i < output.Length; i++)
        {
            h = Mix(h + (ulong)i);
            output[i] = (float)((h >> 11) * (1.0 / (1UL << 53)) * 4.0);
        }

        output[Eos] += 0.5f * history.Count - 1.5f;
    };

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static GenerationRequest Request(GenerationSettings settings, params int[] source) => new(source, settings);
}
