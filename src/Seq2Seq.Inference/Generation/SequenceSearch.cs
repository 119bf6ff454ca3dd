namespace Seq2Seq.Inference.Generation;

/// <summary>
/// One request's decoding strategy. It owns the request's rows of the cohort's batch: after each decoder
/// step it reads their logits and says which rows continue with which tokens.
/// </summary>
internal abstract class SequenceSearch
{
    private AttentionTrail? _attention;

    protected SequenceSearch(GenerationSettings settings, int vocabSize, int maxRows)
    {
        Settings = settings;
        VocabSize = vocabSize;
        MaxRows = maxRows;
        Processor = new LogitsProcessor(settings);
        Histories = new RowHistories(maxRows, settings.MaxNewTokens + 1, settings.DecoderStartTokenId);
    }

    private int MaxRows { get; }

    protected GenerationSettings Settings { get; }

    protected int VocabSize { get; }

    protected LogitsProcessor Processor { get; }

    protected RowHistories Histories { get; }

    /// <summary>Rows this request has in the batch.</summary>
    public int Rows => Histories.Rows;

    /// <summary>Tokens generated so far per row (g in docs/decoding.md).</summary>
    public int Generated => Histories.Length - 1;

    public bool IsDone { get; protected set; }

    /// <summary>Whether the request has one hypothesis throughout, so each chosen token is final as it comes.</summary>
    public bool SingleHypothesis => MaxRows == 1;

    /// <summary>Creates the strategy the settings ask for.</summary>
    public static SequenceSearch Create(GenerationSettings settings, int vocabSize, ulong seed) =>
        settings.NumBeams > 1 ? new BeamSearch(settings, vocabSize)
        : settings.DoSample ? new SamplingSearch(settings, vocabSize, seed)
        : new GreedySearch(settings, vocabSize);

    /// <summary>Makes every finished sequence carry its attention over the <paramref name="sourceLength"/> source tokens.</summary>
    public void TrackAttention(int sourceLength) => _attention = new AttentionTrail(sourceLength, MaxRows);

    /// <summary>Takes the attention of this request's rows for the step whose logits <see cref="Advance"/> gets next.</summary>
    public void RecordAttention(ReadOnlySpan<float> attention, int width) => _attention?.Record(attention, width, Rows);

    /// <summary>
    /// Consumes the logits of this request's rows (Rows × vocabulary, modified in place) and adds the
    /// continuing rows to <paramref name="next"/>. Sets <see cref="IsDone"/> when nothing continues.
    /// </summary>
    public abstract void Advance(Span<float> logits, NextRows next);

    /// <summary>The finished sequences, in the order the result reports them.</summary>
    public abstract IReadOnlyList<GeneratedSequence> Sequences();

    /// <summary>Row <paramref name="row"/>'s sequence ended by <paramref name="token"/>, with its attention when tracked.</summary>
    /// <summary>Row <paramref name="row"/> ended by <paramref name="token"/>; a <paramref name="logProbability"/> is given where it differs from the score.</summary>
    protected GeneratedSequence Finish(int row, int token, double score, FinishReason reason, double? logProbability = null) =>
        new(Histories.Finish(row, token), score, reason) { Attention = _attention?.Finish(row), LogProbability = logProbability ?? score };

    /// <summary>
    /// Why a row ends whose token number <paramref name="generated"/> is the end-of-sequence token or not
    /// (<paramref name="eos"/>): one that forced_eos_token_id put at the length limit ends it by length.
    /// </summary>
    protected FinishReason EndReason(bool eos, int generated) =>
        eos && !(Settings.ForcedEosTokenId is not null && generated == Settings.MaxNewTokens) ? FinishReason.Eos : FinishReason.Length;

    /// <summary>New row i = old row parents[i] followed by tokens[i], attention included.</summary>
    protected void AdvanceRows(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens)
    {
        Histories.Advance(parents, tokens);
        _attention?.Advance(parents);
    }

    /// <summary>Applies the logits processors and log-softmax to every row.</summary>
    protected void ScoreRows(Span<float> logits)
    {
        for (var row = 0; row < Rows; row++)
        {
            LogSoftmax.InPlace(ProcessedRow(logits, row));
        }
    }

    /// <summary>Row <paramref name="row"/> of this request's <paramref name="logits"/>, after the logits processors.</summary>
    protected Span<float> ProcessedRow(Span<float> logits, int row)
    {
        var scores = logits.Slice(row * VocabSize, VocabSize);
        Processor.Apply(scores, Histories.Row(row));
        return scores;
    }
}
