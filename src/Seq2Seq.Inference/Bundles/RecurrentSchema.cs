namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// The recurrent bundle's config.json (docs/recurrent-model.md): its graphs carry the shape, so it states only
/// the vocabulary and max_source_length, the declared limit of a model without a position table.
/// </summary>
public sealed record RecurrentSchema : ConfigSchema
{
    private static readonly ConfigKey VocabSize = new("vocab_size");
    private static readonly ConfigKey MaxSourceLength = new("max_source_length");

    internal override ModelConfig Read(JsonFile json, ModelConfig common) => common with
    {
        VocabSize = VocabSize.Positive(json),
        MaxPositionEmbeddings = MaxSourceLength.Positive(json),
    };
}
