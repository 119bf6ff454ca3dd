using Seq2Seq.Inference;
using Seq2Seq.Inference.Generation;
using Seq2SeqService.Options;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;

namespace Seq2SeqService.Catalog;

/// <summary>The adapter from the service's model ports to the generation engine's <see cref="TranslationModel"/>.</summary>
public sealed class EngineModel(string name, TranslationModel model) : ITranslationModel, IDisposable
{
    public string Name { get; } = name;

    public string Variant => BundleVariants.Name(model.Variant);

    public string? SourceLanguage => model.SourceLanguage;

    public string? TargetLanguage => model.TargetLanguage;

    public int MaxInputTokens => model.MaxSourceTokens;

    public string Architecture => model.Config.Architecture;

    public bool ProvidesAttention => model.Runner.ProvidesAttention;

    public GenerationSettings Defaults => model.DefaultSettings;

    public SourceTokens Tokenize(string text)
    {
        var tokens = model.Tokenizer.Encode(text);
        return new SourceTokens(tokens.Ids, tokens.Pieces);
    }

    public BatchOutput Generate(IReadOnlyList<BatchSequence> sequences, GenerationSettings settings, CancellationToken stopping)
    {
        // Each row stops when its client goes away or when the service's drain deadline passes.
        var rowTokens = sequences
            .Select(s => CancellationTokenSource.CreateLinkedTokenSource(s.Cancellation, stopping))
            .ToList();
        try
        {
            var requests = sequences
                .Select((s, i) => new GenerationRequest(s.InputIds.ToArray(), settings, rowTokens[i].Token) { ReturnAttention = s.ReturnAttention })
                .ToList();
            var results = model.Generate(requests);
            var rows = results.Select((r, i) => r.Cancelled
                ? null
                : new SequenceOutput(r.Sequences
                    .Select(s => new Candidate(model.DecodeOutput(s), s.FinishReason, s.TokenIds.Length,
                        model.DescribeAttention(sequences[i].InputIds, s)))
                    .ToList())).ToList();
            var encode = results.Select(r => r.EncodeTime).DefaultIfEmpty().Max();
            var decode = results.Select(r => r.DecodeTime).DefaultIfEmpty().Max();
            return new BatchOutput(rows, encode, decode);
        }
        finally
        {
            rowTokens.ForEach(t => t.Dispose());
        }
    }

    public void Dispose() => model.Dispose();
}
