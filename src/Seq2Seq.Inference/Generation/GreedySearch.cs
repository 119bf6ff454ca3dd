namespace Seq2Seq.Inference.Generation;

/// <summary>Greedy search: the arg-max token each step, lowest id on ties.</summary>
internal sealed class GreedySearch(GenerationSettings settings, int vocabSize) : SequenceSearch(settings, vocabSize, 1)
{
    private GeneratedSequence? _result;
    private double _score;

    public override void Advance(Span<float> logits, NextRows next)
    {
        var token = LogSoftmax.ArgMaxOfLogSoftmax(ProcessedRow(logits, 0), out var logProbability);
        _score += logProbability;
        var eos = token == Settings.EosTokenId;
        if (eos || Generated + 1 == Settings.MaxNewTokens)
        {
            _result = Finish(0, token, _score, EndReason(eos, Generated + 1));
            IsDone = true;
            return;
        }

        next.Add(0, token);
        AdvanceRows([0], [token]);
    }

    public override IReadOnlyList<GeneratedSequence> Sequences() => _result is null ? [] : [_result];
}
