using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// A model as the scheduler drives it: the catalog's models implement it. It tokenizes too, because the
/// scheduler's warm-up translates a real text.
/// </summary>
public interface IBatchModel : ISourceTokenizer
{
    /// <summary>The bundle's own defaults (generation_config.json).</summary>
    GenerationSettings Defaults { get; }

    /// <summary>Runs one batch; rows whose token is cancelled come back as <see langword="null"/>.</summary>
    BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping);
}

/// <summary>The models the scheduler warms up before it serves; the catalog implements it.</summary>
public interface IBatchModels
{
    IReadOnlyList<IBatchModel> Models { get; }
}
