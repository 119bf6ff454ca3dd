using System.Threading.Channels;
using Seq2SeqService.Catalog;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Tests.Infrastructure;

/// <summary>
/// Wraps models so that every batch (the warm-up included) announces itself on <see cref="NextStartedAsync"/>
/// and waits until the test calls <see cref="Release"/>: tests decide exactly when batches run.
/// </summary>
public sealed class BatchGate
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly Channel<Batch> _started = Channel.CreateUnbounded<Batch>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Batch, bool> _onPoolThread = new();

    public void Release(int batches = 1) => _gate.Release(batches);

    /// <summary>Waits (bounded) until the next batch has started and returns it.</summary>
    public async Task<Batch> NextStartedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _started.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Whether <paramref name="batch"/> ran on a thread of the .NET thread pool.</summary>
    public bool RanOnPoolThread(Batch batch) => _onPoolThread[batch];

    public ITranslationModel Wrap(ITranslationModel model) => new GatedModel(model, this);

    public IModelCatalog Wrap(IModelCatalog catalog) => new GatedCatalog(catalog, this);

    /// <summary>Runs on the step's lane thread, so blocking here holds the batch, not the scheduler loop.</summary>
    private void Pass(Batch batch, CancellationToken stopping)
    {
        _onPoolThread[batch] = Thread.CurrentThread.IsThreadPoolThread;
        _started.Writer.TryWrite(batch);
        _gate.Wait(stopping);
    }

    private sealed class GatedModel(ITranslationModel inner, BatchGate gate) : ITranslationModel
    {
        public string Name => inner.Name;

        public int MaxInputTokens => inner.MaxInputTokens;

        public string Variant => inner.Variant;

        public string? SourceLanguage => inner.SourceLanguage;

        public string? TargetLanguage => inner.TargetLanguage;

        public string Architecture => inner.Architecture;

        public bool ProvidesAttention => inner.ProvidesAttention;

        public GenerationSettings Defaults => inner.Defaults;

        public SourceTokens Tokenize(string text) => inner.Tokenize(text);

        public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
        {
            gate.Pass(new Batch(this, settings, sequences), stopping);
            return inner.Generate(sequences, settings, stopping);
        }
    }

    private sealed class GatedCatalog : IModelCatalog
    {
        public GatedCatalog(IModelCatalog inner, BatchGate gate)
        {
            Models = [.. inner.Models.Select(gate.Wrap)];
            Default = Models.First(m => m.Name == inner.Default.Name);
        }

        public IReadOnlyList<ITranslationModel> Models { get; }

        public ITranslationModel Default { get; }

        public bool TryGet(string name, out ITranslationModel model)
        {
            model = Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))!;
            return model is not null;
        }
    }
}
