using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Beam search exactly as docs/decoding.md ("Beam search") states it. Beams 1..B−1 start at −1e9 and so can never
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

    // Each row's log-softmax shift: its log-probabilities are computed as candidates are read, never written out.
    private readonly float[] _rowMax;
    private readonly float[] _rowLogSum;

    private float[] _cumulative;
    private float[] _nextCumulative;
    private readonly int[] _parents;
    private readonly int[] _tokens;
    private int _found;
    private float _worst;

    public BeamSearch(GenerationSettings settings, int vocabSize)
        : base(settings, vocabSize, settings.NumBeams)
    {
        _beams = settings.NumBeams;
        _finished = new FinishedHypotheses(_beams);
        _candidateScores = new float[2 * _beams];
        _candidateFlat = new int[2 * _beams];
        _rowMax = new float[_beams];
        _rowLogSum = new float[_beams];
        _cumulative = new float[_beams];
        _nextCumulative = new float[_beams];
        _parents = new int[_beams];
        _tokens = new int[_beams];
    }

    public override void Advance(Span<float> logits, NextRows next)
    {
        for (var row = 0; row < Rows; row++)
        {
            (_rowMax[row], _rowLogSum[row]) = LogSoftmax.Shift(ProcessedRow(logits, row));
        }

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
                    _finished.Add(Finish(beam, token, score / eosPenalty, EndReason(true, generated), score));
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
                _finished.Add(Finish(_parents[b], _tokens[b], _cumulative[b] / eosPenalty, FinishReason.Length, _cumulative[b]));
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

        AdvanceRows(_parents.AsSpan(0, running), _tokens.AsSpan(0, running));
    }

    public override IReadOnlyList<GeneratedSequence> Sequences() => _finished.Sorted(Settings.NumReturnSequences);

    /// <summary>Keeps the top 2B (beam, token) pairs by cumulative score; returns how many were found.</summary>
    private int SelectCandidates(ReadOnlySpan<float> logits)
    {
        _found = 0;
        _worst = float.NegativeInfinity;
        for (var beam = 0; beam < Rows; beam++)
        {
            var cumulative = _cumulative[beam];
            var (max, logSum) = (_rowMax[beam], _rowLogSum[beam]);
            var row = logits.Slice(beam * VocabSize, VocabSize);
            var token = 0;
            for (; token < row.Length && _found < _candidateScores.Length; token++)
            {
                Offer(cumulative + ((row[token] - max) - logSum), beam * VocabSize + token);
            }

            // Once the list is full, most pairs lose: test 8 at a time with the same float addition.
            ref var start = ref MemoryMarshal.GetReference(row);
            var cumulativeV = Vector256.Create(cumulative);
            var maxV = Vector256.Create(max);
            var logSumV = Vector256.Create(logSum);
            for (; token <= row.Length - Vector256<float>.Count; token += Vector256<float>.Count)
            {
                var scores = cumulativeV + ((Vector256.LoadUnsafe(ref start, (nuint)token) - maxV) - logSumV);
                var winners = Vector256.GreaterThan(scores, Vector256.Create(_worst)).ExtractMostSignificantBits();
                while (winners != 0)
                {
                    var lane = BitOperations.TrailingZeroCount(winners);
                    winners &= winners - 1;
                    Offer(scores[lane], beam * VocabSize + token + lane);
                }
            }

            for (; token < row.Length; token++)
            {
                Offer(cumulative + ((row[token] - max) - logSum), beam * VocabSize + token);
            }
        }

        return _found;
    }

    /// <summary>
    /// Inserts a pair if it beats the current worst. Pairs arrive in ascending flat order, so an equal
    /// score never displaces an earlier pair.
    /// </summary>
    private void Offer(float score, int flat)
    {
        var capacity = _candidateScores.Length;
        if (_found == capacity && !(score > _worst))
        {
            return;
        }

        var at = _found == capacity ? capacity - 1 : _found++;
        while (at > 0 && _candidateScores[at - 1] < score)
        {
            _candidateScores[at] = _candidateScores[at - 1];
            _candidateFlat[at] = _candidateFlat[at - 1];
            at--;
        }

        _candidateScores[at] = score;
        _candidateFlat[at] = flat;
        _worst = _found == capacity ? _candidateScores[capacity - 1] : float.NegativeInfinity;
    }
}
