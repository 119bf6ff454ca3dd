namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// A tokenizer defined by a Hugging Face tokenizer.json: added tokens are taken out of the text first, each
/// remaining segment is normalized, pre-tokenized into words and cut by the model; the post-processor's
/// template then adds special tokens (such as &lt;/s&gt;). Load with <see cref="TokenizerJson.Load"/>.
/// </summary>
public sealed class HuggingFaceTokenizer : ITokenizer
{
    private readonly AddedTokenMatcher _rawAddedTokens;
    private readonly AddedTokenMatcher _normalizedAddedTokens;
    private readonly ITextNormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly ITokenModel _model;
    private readonly ITokenDecoder? _decoder;
    private readonly IReadOnlyList<TemplatePart> _template;
    private readonly Dictionary<int, AddedToken> _addedById;

    internal HuggingFaceTokenizer(IReadOnlyList<AddedToken> addedTokens, ITextNormalizer? normalizer,
        IPreTokenizer? preTokenizer, ITokenModel model, ITokenDecoder? decoder, IReadOnlyList<TemplatePart> template)
    {
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        _decoder = decoder;
        _template = template;
        _addedById = addedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        _rawAddedTokens = new AddedTokenMatcher(addedTokens.Where(t => !t.Normalized));
        _normalizedAddedTokens = new AddedTokenMatcher(addedTokens.Where(t => t.Normalized),
            normalizer is null ? null : normalizer.Normalize);
        VocabSize = Math.Max(model.Tokens.Length, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        UnkId = model.UnkId ?? -1;
        EosId = IdOf("</s>");
        PadId = IdOf("<pad>");
        SpecialTokens = [.. addedTokens.Where(t => t.Special).Select(t => t.Content)];
    }

    private HuggingFaceTokenizer(HuggingFaceTokenizer other, IReadOnlyList<TemplatePart> template)
    {
        _rawAddedTokens = other._rawAddedTokens;
        _normalizedAddedTokens = other._normalizedAddedTokens;
        _normalizer = other._normalizer;
        _preTokenizer = other._preTokenizer;
        _model = other._model;
        _decoder = other._decoder;
        _addedById = other._addedById;
        _template = template;
        (VocabSize, UnkId, EosId, PadId, SpecialTokens) = (other.VocabSize, other.UnkId, other.EosId, other.PadId, other.SpecialTokens);
    }

    /// <summary>The added tokens marked special, in tokenizer.json's order (language codes among them).</summary>
    public IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>The special tokens the post-processor's template writes around a text, in order.</summary>
    public IReadOnlyList<string> TemplateTokens => [.. _template.Where(p => p.SpecialTokens is not null).SelectMany(p => p.SpecialTokens!)];

    /// <summary>The special tokens the template writes after the text (&lt;/s&gt;, and the first mBART's language token).</summary>
    public IReadOnlyList<string> TemplateTokensAfterText =>
        [.. _template.SkipWhile(p => p.SpecialTokens is not null).Skip(1).Where(p => p.SpecialTokens is not null).SelectMany(p => p.SpecialTokens!)];

    public int VocabSize { get; }

    /// <summary>Id of &lt;/s&gt;, or -1 when the vocabulary has none.</summary>
    public int EosId { get; }

    /// <summary>Id of &lt;pad&gt;, or -1 when the vocabulary has none.</summary>
    public int PadId { get; }

    public int UnkId { get; }

    public TokenizedText Encode(string text)
    {
        var ids = new List<int>();
        var pieces = new List<string>();
        foreach (var part in _template)
        {
            if (part.SpecialIds is { } specialIds)
            {
                ids.AddRange(specialIds);
                pieces.AddRange(part.SpecialTokens!);
            }
            else
            {
                EncodeText(text, ids, pieces);
            }
        }

        return new TokenizedText(ids.ToArray(), pieces.ToArray());
    }

    public string IdToPiece(int id) =>
        _addedById.TryGetValue(id, out var added) ? added.Content
        : (uint)id < (uint)_model.Tokens.Length ? _model.Tokens[id] ?? ""
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be in [0, {VocabSize}).");

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                {
                    tokens.Add(added.Content);
                }
            }
            else if ((uint)id < (uint)_model.Tokens.Length)
            {
                // An id the vocabulary leaves unused stands for no text, as in Hugging Face.
                if (_model.Tokens[id] is { } token)
                {
                    tokens.Add(token);
                }
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id must be in [0, {VocabSize}).");
            }
        }

        return _decoder is null ? string.Join(' ', tokens) : string.Concat(_decoder.Decode(tokens));
    }

    /// <summary>
    /// This tokenizer with the template's special token <paramref name="replaced"/> written as the added token
    /// <paramref name="token"/> instead: how NLLB, M2M100 and mBART sources name their language, whichever one the
    /// file was saved with (Hugging Face's tokenizers rewrite their post-processor for src_lang the same way).
    /// </summary>
    /// <exception cref="ArgumentException">The template has no <paramref name="replaced"/>, or <paramref name="token"/> is no added token.</exception>
    public HuggingFaceTokenizer WithTemplateToken(string replaced, string token)
    {
        var id = _addedById.Values.FirstOrDefault(t => t.Content == token)?.Id
            ?? throw new ArgumentException($"'{token}' is not an added token.", nameof(token));
        if (!TemplateTokens.Contains(replaced))
        {
            throw new ArgumentException($"The post-processor's template has no '{replaced}'.", nameof(replaced));
        }

        return new HuggingFaceTokenizer(this, [.. _template.Select(part => part.SpecialTokens is { } tokens && tokens.Contains(replaced)
            ? new TemplatePart([.. tokens.Select((t, i) => t == replaced ? id : part.SpecialIds![i])], [.. tokens.Select(t => t == replaced ? token : t)])
            : part)]);
    }

    private void EncodeText(string text, List<int> ids, List<string> pieces)
    {
        var segments = new List<TextSegment>();
        _rawAddedTokens.Split(text, 0, segments);
        var words = new List<string>();
        var normalizedSegments = new List<TextSegment>();
        foreach (var segment in segments)
        {
            if (segment.AddedId is { } addedId)
            {
                ids.Add(addedId);
                pieces.Add(segment.Text);
                continue;
            }

            var normalized = _normalizer?.Normalize(segment.Text) ?? segment.Text;
            normalizedSegments.Clear();
            _normalizedAddedTokens.Split(normalized, segment.Start, normalizedSegments);
            foreach (var part in normalizedSegments)
            {
                if (part.AddedId is { } id)
                {
                    ids.Add(id);
                    pieces.Add(part.Text);
                    continue;
                }

                words.Clear();
                if (_preTokenizer is null)
                {
                    words.Add(part.Text);
                }
                else
                {
                    _preTokenizer.PreTokenize(part.Text, atInputStart: part.Start == 0, words);
                }

                foreach (var word in words)
                {
                    if (word.Length > 0)
                    {
                        _model.Tokenize(word, ids, pieces);
                    }
                }
            }
        }
    }

    /// <summary>The id of an added token or a piece of the model; null when the vocabulary has no such token.</summary>
    public int? TokenToId(string token) => _addedById.Values.FirstOrDefault(t => t.Content == token)?.Id ?? _model.TokenToId(token);

    private int IdOf(string token) => TokenToId(token) ?? -1;
}

/// <summary>One item of a TemplateProcessing "single" template: the input text, or special tokens.</summary>
internal sealed record TemplatePart(int[]? SpecialIds, string[]? SpecialTokens)
{
    public static readonly TemplatePart Text = new(null, null);
}
