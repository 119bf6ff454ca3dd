namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>When Metaspace puts the replacement character in front of a segment.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

/// <summary>
/// The "Metaspace" pre-tokenizer: spaces become the replacement character (▁), a leading one is added
/// per <see cref="PrependScheme"/>, and with <c>split</c> the text is cut before every replacement character.
/// With <paramref name="whitespaceSplit"/> it is the second step of a Sequence whose first is "WhitespaceSplit"
/// (T5's): the text is first cut into its runs of non-white-space characters (white space as Rust's
/// char::is_whitespace, which .NET's char.IsWhiteSpace matches), so runs of spaces, tabs and line breaks vanish
/// and every word gets its own leading ▁.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme prependScheme, bool split, bool whitespaceSplit = false)
    : IPreTokenizer
{
    public char Replacement => replacement;

    public PrependScheme PrependScheme => prependScheme;

    /// <remarks><paramref name="atInputStart"/> serves <see cref="PrependScheme.First"/>.</remarks>
    public void PreTokenize(string normalized, bool atInputStart, List<string> output)
    {
        if (!whitespaceSplit)
        {
            Metaspace(normalized, atInputStart, output);
            return;
        }

        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var white = i == normalized.Length || char.IsWhiteSpace(normalized[i]);
            if (white && start >= 0)
            {
                Metaspace(normalized[start..i], atInputStart && output.Count == 0, output);
                start = -1;
            }
            else if (!white && start < 0)
            {
                start = i;
            }
        }
    }

    private void Metaspace(string normalized, bool atInputStart, List<string> output)
    {
        if (normalized.Length == 0)
        {
            return;
        }

        var text = normalized.Replace(' ', replacement);
        var prepend = prependScheme == PrependScheme.Always ||
                      (prependScheme == PrependScheme.First && atInputStart);
        if (prepend && text[0] != replacement)
        {
            text = replacement + text;
        }

        if (!split)
        {
            output.Add(text);
            return;
        }

        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == replacement)
            {
                output.Add(text[start..i]);
                start = i;
            }
        }

        output.Add(text[start..]);
    }
}
