using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Catalog;

/// <summary>
/// A running batch on the engine: a <see cref="GenerationCohort"/> whose requests are the scheduler's sequences,
/// each with a sink that turns its end into the sequence's output (detokenized, with its attention), and which takes
/// new rows between steps when the decoder supports joins. A row leaves when its own token fires; the whole batch
/// stops when the drain deadline passes.
/// </summary>
internal sealed class CohortBatch : IRunningBatch
{
    private readonly TranslationModel _model;
    private readonly CancellationToken _stopping;
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
        _cohort.Admit(Requests(sequences, settings));

    public void AllowSecondThread(bool allowed) => _cohort.DraftAlongside = allowed;

    public IReadOnlyList<FinishedRow> Step()
    {
        _stopping.ThrowIfCancellationRequested();
        _cohort.Step();
        FinishedRow[] rows = [.. _finished];
        _finished.Clear();
        return rows;
    }

    public void Dispose() => _cohort.Dispose();

    private List<GenerationRequest> Requests(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings) =>
        [.. sequences.Select(sequence =>
        {
            var own = sequence.MaxNewTokens is { } limit && limit != settings.MaxNewTokens ? settings with { MaxNewTokens = limit } : settings;
            return new GenerationRequest(sequence.InputIds.ToArray(), own, sequence.Cancellation)
            {
                ReturnAttention = sequence.ReturnAttention,
                Sink = new RowSink(this, sequence),
            };
        })];

    /// <summary>
    /// Turns one sequence's tokens into the text they add, and its end into its output, within the step that made
    /// them.
    /// </summary>
    private sealed class RowSink(CohortBatch batch, BatchSequence sequence) : IGenerationSink
    {
        private readonly List<int> _tokens = [];
        private string _text = "";

        public void TokenAppended(int tokenId)
        {
            if (!sequence.WantsText)
            {
                return;
            }

            // Decoding the whole prefix keeps SentencePiece's spacing right; a piece that ends inside a character
            // (byte fallback) decodes to U+FFFD and waits for the bytes that complete it.
            _tokens.Add(tokenId);
            var text = batch._model.Tokenizer.Decode([.. _tokens]);
            if (text.Length > _text.Length && text.StartsWith(_text, StringComparison.Ordinal) && !text.EndsWith('\uFFFD'))
            {
                sequence.TextAppended(text[_text.Length..]);
                _text = text;
            }
        }

        public void Finished(GenerationResult result)
        {
            var model = batch._model;
            var output = result.Cancelled ? null : new SequenceOutput([.. result.Sequences
                .Select(s => new Candidate(model.DecodeOutput(s), s.FinishReason, s.TokenIds.Length,
                    model.DescribeAttention(sequence.InputIds, s), s.LogProbability))]);
            batch._finished.Add(new FinishedRow(sequence, output, result.EncodeTime, result.DecodeTime));
        }
    }
}
