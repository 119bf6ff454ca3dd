namespace Seq2Seq.Inference.Generation;

/// <summary>
/// One input to translate: its source token ids (tokenizer ids with the end-of-sequence id appended),
/// the resolved settings, and a token that removes it from its batch between decoder steps.
/// </summary>
public sealed class GenerationRequest
{
    public GenerationRequest(ReadOnlyMemory<int> sourceIds, GenerationSettings settings, CancellationToken cancellation = default)
    {
        if (sourceIds.IsEmpty)
        {
            throw new ArgumentException("A request needs at least one source token.", nameof(sourceIds));
        }

        ArgumentNullException.ThrowIfNull(settings);
        SourceIds = sourceIds;
        Settings = settings;
        Cancellation = cancellation;
    }

    public ReadOnlyMemory<int> SourceIds { get; }

    public GenerationSettings Settings { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Whether the generated sequences carry their attention over the source (the runner must provide it).</summary>
    public bool ReturnAttention { get; init; }

    /// <summary>Told of the request's tokens and its end as they happen; none when the caller reads results afterwards.</summary>
    public IGenerationSink? Sink { get; init; }
}
