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

    /// <summary>
    /// Bytes of decoder cache a row holds per position (source token or generated token); 0 when its state does not
    /// grow with the text, so admission bounds its rows by count alone.
    /// </summary>
    long CacheBytesPerPosition => 0;

    /// <summary>
    /// The model whose batches this one's rows run in: itself, or for a view of a model (a multilingual model's pair,
    /// a T5 model's task) the model viewed, so that rows of every pair and task share its batches and its row and cache
    /// budgets. A row's own settings (its forced target token) go with it into the batch.
    /// </summary>
    IBatchModel Engine => this;

    /// <summary>Runs one batch; rows whose token is cancelled come back as <see langword="null"/>.</summary>
    BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping);

    /// <summary>
    /// Encodes a batch that the scheduler then steps; <paramref name="stopping"/> cancels every row (drain
    /// deadline). A model that cannot step runs the whole batch in its first step.
    /// </summary>
    IRunningBatch Start(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping) =>
        new WholeBatch(this, sequences, settings, stopping);
}

/// <summary>The models the scheduler warms up before it serves; the catalog implements it.</summary>
public interface IBatchModels
{
    IReadOnlyList<IBatchModel> Models { get; }
}
