using System.Diagnostics;
using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// A stand-in model for tests of the service's plumbing (queueing, batching, errors): one token per word,
/// and a "translation" that marks each text, so tests can check which output belongs to which input.
/// </summary>
public sealed class ScriptedModel(string name = "scripted", int maxInputTokens = 16, string source = "en",
    string target = "xx") : ITranslationModel
{
    private const int Eos = 0;

    // One vocabulary for every scripted model, growing as words are seen, so ids map back to words.
    private static readonly List<string> Words = ["</s>", "<start>"];
    private static readonly Dictionary<string, int> Ids = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string Variant => "fp32";

    public string? SourceLanguage => source;

    public string? TargetLanguage => target;

    public string Architecture => "scripted";

    public bool ProvidesAttention => false;

    public int MaxInputTokens { get; } = maxInputTokens;

    public long CacheBytesPerPosition { get; init; }

    public GenerationSettings Defaults { get; } = new()
    {
        MaxNewTokens = 32,
        EosTokenId = 0,
        DecoderStartTokenId = 1,
        VocabSize = 1000,
        MaxNewTokensLimit = 64,
    };

    /// <summary>The words a sequence's ids stand for, joined by spaces (eos left out).</summary>
    public static string TextOf(BatchSequence sequence)
    {
        lock (Words)
        {
            return string.Join(' ', sequence.InputIds.Where(id => id != Eos).Select(id => Words[id]));
        }
    }

    public SourceTokens Tokenize(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SourceTokens([.. words.Select(IdOf), Eos], [.. words.Select(w => "▁" + w), "</s>"]);
    }

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = sequences.Select(s => s.Cancellation.IsCancellationRequested || stopping.IsCancellationRequested
                ? null
                : new SequenceOutput(Enumerable.Range(0, settings.NumReturnSequences)
                    .Select(k => new Candidate($"<{k}>{TextOf(s)}", FinishReason.Eos, s.InputIds.Count)).ToList()))
            .ToList();
        return new BatchOutput(rows, TimeSpan.Zero, Stopwatch.GetElapsedTime(started));
    }

    private static int IdOf(string word)
    {
        lock (Words)
        {
            if (!Ids.TryGetValue(word, out var id))
            {
                Ids[word] = id = Words.Count;
                Words.Add(word);
            }

            return id;
        }
    }
}

/// <summary>A catalog of scripted models; the first is the default.</summary>
public sealed class ScriptedCatalog(params ITranslationModel[] models) : IModelCatalog
{
    public IReadOnlyList<ITranslationModel> Models { get; } = models;

    public ITranslationModel Default => Models[0];

    public bool TryGet(string name, out ITranslationModel model)
    {
        model = Models.FirstOrDefault(m => m.Name == name)!;
        return model is not null;
    }
}
