namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>An entry of tokenizer.json's "added_tokens".</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip,
    bool SingleWord);

/// <summary>A piece of input text: either an added token (with its id) or text for the model.</summary>
internal readonly record struct TextSegment(string Text, int? AddedId, int Start);

/// <summary>
/// Finds added tokens in text before the model sees it, leftmost match first and the longest token at that
/// position, as Hugging Face tokenizers does. lstrip / rstrip let a token swallow adjacent white space;
/// single_word accepts a match only between non-word characters.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens, Func<string, string>? normalize = null)
    {
        _tokens = tokens
            .Select(t => normalize is null ? t : t with { Content = normalize(t.Content) })
            .Where(t => t.Content.Length > 0)
            .OrderByDescending(t => t.Content.Length)
            .ToArray();
    }

    public bool IsEmpty => _tokens.Length == 0;

    /// <summary>Splits <paramref name="text"/>; <paramref name="offset"/> is its position in the original input.</summary>
    public void Split(string text, int offset, List<TextSegment> output)
    {
        var position = 0;
        while (position < text.Length)
        {
            if (!TryFindNext(text, position, out var matchStart, out var matchEnd, out var token))
            {
                break;
            }

            if (matchStart > position)
            {
                output.Add(new TextSegment(text[position..matchStart], null, offset + position));
            }

            output.Add(new TextSegment(token.Content, token.Id, offset + matchStart));
            position = matchEnd;
        }

        if (position < text.Length)
        {
            output.Add(new TextSegment(text[position..], null, offset + position));
        }
    }

    private bool TryFindNext(string text, int from, out int start, out int end, out AddedToken token)
    {
        for (var i = from; i < text.Length; i++)
        {
            foreach (var candidate in _tokens)
            {
                if (!text.AsSpan(i).StartsWith(candidate.Content, StringComparison.Ordinal))
                {
                    continue;
                }

                var matchEnd = i + candidate.Content.Length;
                if (candidate.SingleWord && !IsWordBoundary(text, i, matchEnd))
                {
                    continue;
                }

                start = i;
                end = matchEnd;
                if (candidate.LStrip)
                {
                    while (start > from && char.IsWhiteSpace(text[start - 1]))
                    {
                        start--;
                    }
                }

                if (candidate.RStrip)
                {
                    while (end < text.Length && char.IsWhiteSpace(text[end]))
                    {
                        end++;
                    }
                }

                token = candidate;
                return true;
            }
        }

        start = end = 0;
        token = null!;
        return false;
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
