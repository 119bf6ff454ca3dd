using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;
using Seq2Seq.Tokenizers;
using Seq2Seq.Tokenizers.HuggingFace;

namespace Seq2Seq.Inference.Families;

/// <summary>
/// The languages a multilingual bundle translates between, by ISO 639-1 code: each has a language token in the
/// vocabulary, which sources are written with and which is forced as the target's first token (or, for the first
/// mBART, starts the decoder). Any ordered pair of two of them is served by the one model.
/// </summary>
public sealed class BundleLanguages
{
    private readonly Dictionary<string, (ITokenizer Source, int TargetId)> _byIso;

    private BundleLanguages(LanguageTokens convention, Dictionary<string, (ITokenizer, int)> byIso, IReadOnlyList<string> codes,
        bool targetStartsDecoder)
    {
        Convention = convention;
        _byIso = byIso;
        Codes = codes;
        TargetStartsDecoder = targetStartsDecoder;
    }

    /// <summary>
    /// Whether the target's token is the decoder's first input instead of being forced after decoder_start_token_id:
    /// so for the first mBART (mbart-large-cc25 and its fine-tunings), whose sources end with their language token
    /// (X &lt;/s&gt; en_XX) and whose training wrapped that token of the target round to the decoder's start.
    /// </summary>
    public bool TargetStartsDecoder { get; }

    /// <summary>How the bundle spells its languages.</summary>
    public LanguageTokens Convention { get; }

    /// <summary>ISO 639-1 codes, in vocabulary order.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>Whether <paramref name="iso"/> is one of <see cref="Codes"/>.</summary>
    public bool Contains(string iso) => _byIso.ContainsKey(iso);

    /// <summary>The tokenizer that writes a source in <paramref name="iso"/> (its language token where the template puts one).</summary>
    public ITokenizer SourceTokenizer(string iso) => _byIso[iso].Source;

    /// <summary>The token of <paramref name="iso"/> as the target: forced first, or the decoder's start (<see cref="TargetStartsDecoder"/>).</summary>
    public int TargetTokenId(string iso) => _byIso[iso].TargetId;

    /// <summary><paramref name="defaults"/> set to translate into <paramref name="iso"/>.</summary>
    public GenerationSettings ForTarget(GenerationSettings defaults, string iso) => TargetStartsDecoder
        ? defaults with { DecoderStartTokenId = TargetTokenId(iso), ForcedBosTokenId = null }
        : defaults with { ForcedBosTokenId = TargetTokenId(iso) };

    /// <summary>
    /// The languages of a bundle whose family has language tokens: those of its tokenizer's special tokens that
    /// match one of <paramref name="conventions"/> (the first that matches any) and map to an ISO code; null when
    /// none do (a bilingual bundle of the same family).
    /// </summary>
    /// <exception cref="ModelBundleException">The tokenizer's template writes no language token for the source.</exception>
    internal static BundleLanguages? Read(IReadOnlyList<LanguageTokens> conventions, ITokenizer tokenizer, string tokenizerPath)
    {
        if (tokenizer is not HuggingFaceTokenizer file)
        {
            return null;
        }

        foreach (var convention in conventions)
        {
            var tokens = file.SpecialTokens.Where(t => convention.Pattern.IsMatch(t)).ToList();
            if (tokens.Count == 0)
            {
                continue;
            }

            var written = file.TemplateTokens.FirstOrDefault(t => convention.Pattern.IsMatch(t))
                ?? throw new ModelBundleException(tokenizerPath, "post_processor",
                    $"writes no {convention} language token around the text, though the vocabulary has {tokens.Count} ({tokens[0]}, …).");
            var byIso = new Dictionary<string, (ITokenizer, int)>(StringComparer.Ordinal);
            var codes = new List<string>();
            foreach (var token in tokens)
            {
                if (convention.IsoOf(token) is { } iso && byIso.TryAdd(iso, (file.WithTemplateToken(written, token), file.TokenToId(token)!.Value)))
                {
                    codes.Add(iso);
                }
            }

            return new BundleLanguages(convention, byIso, codes, file.TemplateTokensAfterText.Contains(written));
        }

        return null;
    }
}
