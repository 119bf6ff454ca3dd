using System.Diagnostics;
using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// A stand-in model for tests of the service's plumbing (queueing, batching, errors): one token per word,
/// and a "translation" that marks each text, so tests can check which output belongs to which input.
/// </summary>
public sealed class ScriptedModel(string name = "scripted", int maxInputTokens = 16, string source = "en",
    string target = "xx") : ITranslationModel
{
    public string Name { get; } = name;

    public string? SourceLanguage => source;

    public string? TargetLanguage => target;

    public int MaxInputTokens { get; } = maxInputTokens;

    public int MaxNewTokens => 64;

    public GenerationSettings Defaults { get; } = new()
    {
        MaxNewTokens = 32,
        EosTokenId = 0,
        DecoderStartTokenId = 1,
        VocabSize = 1000,
        MaxNewTokensLimit = 64,
    };

    public SourceTokens Tokenize(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SourceTokens(
            [.. words.Select(w => 2 + (int)((uint)w.GetHashCode() % 900)), 0],
            [.. words.Select(w => "▁" + w), "</s>"]);
    }

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = sequences.Select(s => s.Cancellation.IsCancellationRequested || stopping.IsCancellationRequested
                ? null
                : new SequenceOutput(Enumerable.Range(0, settings.NumReturnSequences)
                    .Select(k => new Candidate($"<{k}>{s.Text}", FinishReason.Eos, s.InputIds.Count)).ToList()))
            .ToList();
        return new BatchOutput(rows, TimeSpan.Zero, Stopwatch.GetElapsedTime(started));
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
