namespace Seq2SeqService.Segmentation;

/// <summary>
/// The default length limit of a sentence's translation, from its source length (as Marian's
/// <c>max-length-factor</c>): <c>Factor × source tokens + Offset</c>, never above the request's
/// <c>max_new_tokens</c>. A decoder caught in a loop stops there, and admission estimates a request's work from
/// what its sentences can really cost. A request's explicit <c>max_new_tokens</c> replaces it.
/// </summary>
public sealed record LengthGuard(double Factor, int Offset)
{
    /// <summary>The limit for a sentence of <paramref name="sourceTokens"/> tokens, end-of-sequence included.</summary>
    public int Limit(int sourceTokens, int maxNewTokens) =>
        (int)Math.Min(maxNewTokens, Math.Ceiling(Factor * sourceTokens) + Offset);
}
