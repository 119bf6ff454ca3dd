using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Catalog;

/// <summary>A loaded translation model as the service sees it; the engine adapter implements it.</summary>
public interface ITranslationModel
{
    string Name { get; }

    /// <summary>The graphs served: "fp32" or "quantized".</summary>
    string Variant { get; }

    string? SourceLanguage { get; }

    string? TargetLanguage { get; }

    /// <summary>Longest source sequence, end-of-sequence included, the encoder accepts.</summary>
    int MaxInputTokens { get; }

    /// <summary>Most tokens the decoder can generate for one sequence.</summary>
    int MaxNewTokens { get; }

    /// <summary>The bundle's own defaults (generation_config.json).</summary>
    GenerationSettings Defaults { get; }

    /// <summary>The source tokenizer's ids and pieces for a text, end-of-sequence included.</summary>
    SourceTokens Tokenize(string text);

    /// <summary>Runs one batch; rows whose token is cancelled come back as <see langword="null"/>.</summary>
    BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping);
}

/// <summary>Token ids with their pieces.</summary>
public sealed record SourceTokens(IReadOnlyList<int> Ids, IReadOnlyList<string> Pieces);
