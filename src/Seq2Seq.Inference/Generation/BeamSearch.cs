namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Beam search exactly as DECODING_SPEC.md states it. Beams 1..B−1 start at −1e9 and so can never
/// supply a top-2B candidate at step 1; the first step therefore runs a single row, which the step then
/// forks into B beams.
/// </summary>
internal sealed class BeamSearch : SequenceSearch
{
    private readonly int _beams;
    private readonly FinishedHypotheses _finished;

    // The top 2B candidates of a step, by score descending, flat index (beam × V + token) ascending.
    private readonly float[] _candidateScores;
    private readonly int[] _candidateFlat;

    private float[] _cumulative;
    private float[] _nextCumulative;
    private readonly int[] _parents;
    private readonly int[] _tokens;

    public BeamSearch(GenerationSettings settings, int vocabSize)
        : base(settings, vocabSize, settings.NumBeams)
    {
        _beams = settings.NumBeams;
        _finished = new FinishedHypotheses(_beams);
        _candidateScores = new float[2 * _beams];
        _candidateFlat = new int[2 * _beams];
        _cumulative = new float[_beams];
        _nextCumulative = new float[_beams];
        _parents = new int[_beams];
        _tokens = new int[_beams];
    }

    public override void Advance(Span<float> logits, NextRows next)
    {
        ScoreRows(logits);
        var found = SelectCandidates(logits);
        var generated = Generated + 1;
        var eosPenalty = Math.Pow(generated, Settings.LengthPenalty);
        var running = 0;
        for (var rank = 0; rank < found && running < _beams; rank++)
        {
            var beam = _candidateFlat[rank] / VocabSize;
            var token = _candidateFlat[rank] % VocabSize;
            var score = _candidateScores[rank];
            if (token == Settings.EosTokenId)
            {
                if (rank < _beams)
                {
                    _finished.Add(new GeneratedSequence(Histories.Finish(beam, token), score / eosPenalty, FinishReason.Eos));
                }

                continue;
            }

            _parents[running] = beam;
            _tokens[running] = token;
            _nextCumulative[running++] = score;
        }

        (_cumulative, _nextCumulative) = (_nextCumulative, _cumulative);
        var done = _finished.Count == _beams &&
            (Settings.EarlyStopping || _finished.WorstScore >= _cumulative[0] / eosPenalty);
        if (!done && generated == Settings.MaxNewTokens)
        {
            for (var b = 0; b < running; b++)
            {
                _finished.Add(new GeneratedSequence(Histories.Finish(_parents[b], _tokens[b]), _cumulative[b] / eosPenalty, FinishReason.Length));
            }

            done = true;
        }

        if (done)
        {
            IsDone = true;
            return;
        }

        for (var b = 0; b < running; b++)
        {
            next.Add(_parents[b], _tokens[b]);
        }

        Histories.Advance(_parents.AsSpan(0, running), _tokens.AsSpan(0, running));
    }

    public override IReadOnlyList<GeneratedSequence> Sequences() => _finished.Sorted(Settings.NumReturnSequences);

    /// <summary>Keeps the top 2B (beam, token) pairs by cumulative score; returns how many were found.</summary>
    private int SelectCandidates(ReadOnlySpan<float> logProbs)
    {
        var capacity = _candidateScores.Length;
        var count = 0;
        var worst = float.NegativeInfinity;
        for (var beam = 0; beam < Rows; beam++)
        {
            var cumulative = _cumulative[beam];
            var row = logProbs.Slice(beam * VocabSize, VocabSize);
            for (var token = 0; token < row.Length; token++)
            {
                var score = cumulative + row[token];

                // Pairs come in ascending flat order, so an equal score never displaces an earlier pair.
                if (count == capacity && !(score > worst))
                {
                    continue;
                }

                var at = count == capacity ? capacity - 1 : count++;
                while (at > 0 && _candidateScores[at - 1] < score)
                {
                    _candidateScores[at] = _candidateScores[at - 1];
                    _candidateFlat[at] = _candidateFlat[at - 1];
                    at--;
                }

                _candidateScores[at] = score;
                _candidateFlat[at] = beam * VocabSize + token;
                worst = _candidateScores[count - 1];
            }
        }

        return count;
    }
}
