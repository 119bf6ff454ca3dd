using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Catalog;

/// <summary>
/// A running batch on the engine: a <see cref="GenerationCohort"/> whose rows stop when their client goes
/// away or the drain deadline passes, and which takes new rows between steps when the decoder supports joins.
/// </summary>
internal sealed class CohortBatch : IRunningBatch
{
    private readonly TranslationModel _model;
    private readonly CancellationToken _stopping;
    private readonly List<CancellationTokenSource?> _rowTokens = [];
    private readonly List<BatchSequence> _sequences = [];
    private readonly List<FinishedRow> _finished = [];
    private readonly GenerationCohort _cohort;

    public CohortBatch(TranslationModel model, IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        _model = model;
        _stopping = stopping;
        _cohort = model.Start(Requests(sequences, settings));
    }

    public bool IsCompleted => _cohort.IsCompleted && _finished.Count == 0;

    public int ActiveRows => _cohort.ActiveRows;

    public bool CanAdmit => _cohort.CanAdmit;

    public void Admit(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings) =>
        Collect(_cohort.Admit(Requests(sequences, settings)));

    public void AllowSecondThread(bool allowed) => _cohort.DraftAlongside = allowed;

    public IReadOnlyList<FinishedRow> Step()
    {
        Collect(_cohort.Step());
        FinishedRow[] rows = [.. _finished];
        _finished.Clear();
        return rows;
    }

    public void Dispose()
    {
        _cohort.Dispose();
        foreach (var token in _rowTokens)
        {
            token?.Dispose();
        }
    }

    private List<GenerationRequest> Requests(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings)
    {
        var requests = new List<GenerationRequest>(sequences.Count);
        foreach (var sequence in sequences)
        {
            var token = CancellationTokenSource.CreateLinkedTokenSource(sequence.Cancellation, _stopping);
            _rowTokens.Add(token);
            _sequences.Add(sequence);
            var own = sequence.MaxNewTokens is { } limit && limit != settings.MaxNewTokens ? settings with { MaxNewTokens = limit } : settings;
            requests.Add(new GenerationRequest(sequence.InputIds.ToArray(), own, token.Token) { ReturnAttention = sequence.ReturnAttention });
        }

        return requests;
    }

    private void Collect(IReadOnlyList<int> completed)
    {
        foreach (var row in completed)
        {
            var result = _cohort.Result(row)!;
            var output = result.Cancelled ? null : new SequenceOutput([.. result.Sequences
                .Select(s => new Candidate(_model.DecodeOutput(s), s.FinishReason, s.TokenIds.Length,
                    _model.DescribeAttention(_sequences[row].InputIds, s), s.LogProbability))]);
            _finished.Add(new FinishedRow(row, output, result.EncodeTime, result.DecodeTime));
            _rowTokens[row]?.Dispose();
            _rowTokens[row] = null;
        }
    }
}
