namespace Seq2SeqService.Scheduling;

/// <summary>
/// Translates a real text with every model before the service reports ready, the way serving runs it, so the first
/// requests find the code compiled and the runtime's buffers sized for full batches.
/// </summary>
internal static class ModelWarmUp
{
    private const string Text = "Hello.";

    /// <summary>A few decoder steps run both the first (uncached) and the cached decoder paths.</summary>
    private const int MaxNewTokens = 8;

    /// <summary>
    /// Warms the models up side by side (each a CPU-bound translation on a pool thread); <paramref name="warm"/> hears
    /// of each model as it is done. <paramref name="laneRows"/> is a lane's share of the batch.
    /// </summary>
    public static Task RunAsync(IBatchModels models, int laneRows, Action<string> warm, CancellationToken stopping) =>
        Task.WhenAll(models.Models.Select(async model =>
        {
            var ids = model.Tokenize(Text).Ids;
            var settings = model.Defaults with { MaxNewTokens = Math.Min(MaxNewTokens, model.Defaults.MaxNewTokens) };
            var greedy = settings with { NumBeams = 1, DoSample = false };
            await Task.WhenAll(settings == greedy
                ? [RunAsync(model, ids, greedy, laneRows, stopping)]
                : [RunAsync(model, ids, settings, laneRows, stopping), RunAsync(model, ids, greedy, laneRows, stopping)]);
            warm(model.Name);
        }));

    /// <summary>
    /// One row alone for a step (a lone greedy request decodes speculatively when the model has a draft), then rows
    /// joining it up to a lane's share of the batch, stepped to the end.
    /// </summary>
    private static Task RunAsync(IBatchModel model, IReadOnlyList<int> ids, GenerationSettings settings, int laneRows,
        CancellationToken stopping) => Task.Run(() =>
    {
        BatchSequence[] Rows(int count) => [.. Enumerable.Range(0, count).Select(_ => new BatchSequence(ids, CancellationToken.None))];
        using var batch = model.Start(Rows(1), settings, stopping);
        var expected = 1;
        var outputs = batch.Step().Count(r => r.Output is not null);
        var joining = Math.Max(0, laneRows / JobRows.RowsOf(settings) - 1);
        if (batch.CanAdmit && joining > 0)
        {
            batch.Admit(Rows(joining), settings);
            expected += joining;
        }

        while (!batch.IsCompleted)
        {
            outputs += batch.Step().Count(r => r.Output is not null);
        }

        stopping.ThrowIfCancellationRequested();
        if (outputs != expected)
        {
            throw new InvalidOperationException($"model '{model.Name}' returned no output for the warm-up text");
        }
    }, CancellationToken.None);
}
