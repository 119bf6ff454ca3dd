using Seq2Seq.Inference.Sampling;

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// Multinomial sampling of num_return_sequences independent sequences. They share the first decoder step
/// (one row), then each has its own row until it ends. Draws happen in sequence order from one seeded
/// generator per request, so a seed reproduces the result whatever else shares the batch.
/// </summary>
internal sealed class SamplingSearch : SequenceSearch
{
    private readonly TokenSampler _sampler;
    private readonly GeneratedSequence?[] _results;
    private readonly double[] _scores;

    // Row of each running sequence; -1 once it has ended.
    private readonly int[] _rowOf;
    private readonly int[] _parents;
    private readonly int[] _tokens;

    public SamplingSearch(GenerationSettings settings, int vocabSize, ulong seed)
        : base(settings, vocabSize, settings.NumReturnSequences)
    {
        var count = settings.NumReturnSequences;
        _sampler = new TokenSampler(settings.Temperature, settings.TopK, settings.TopP, seed);
        _results = new GeneratedSequence?[count];
        _scores = new double[count];
        _rowOf = new int[count];
        _parents = new int[count];
        _tokens = new int[count];
    }

    public override void Advance(Span<float> logits, NextRows next)
    {
        ScoreRows(logits);
        var continuing = 0;
        for (var s = 0; s < _rowOf.Length; s++)
        {
            var row = _rowOf[s];
            if (row < 0)
            {
                continue;
            }

            var scores = logits.Slice(row * VocabSize, VocabSize);
            var token = _sampler.Sample(scores);
            _scores[s] += scores[token];
            var eos = token == Settings.EosTokenId;
            if (eos || Generated + 1 == Settings.MaxNewTokens)
            {
                _results[s] = Finish(row, token, _scores[s], EndReason(eos, Generated + 1));
                _rowOf[s] = -1;
                continue;
            }

            next.Add(row, token);
            _parents[continuing] = row;
            _tokens[continuing] = token;
            _rowOf[s] = continuing++;
        }

        AdvanceRows(_parents.AsSpan(0, continuing), _tokens.AsSpan(0, continuing));
        IsDone = continuing == 0;
    }

    public override IReadOnlyList<GeneratedSequence> Sequences() => [.. _results.OfType<GeneratedSequence>()];
}
