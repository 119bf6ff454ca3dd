using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>One step of a tokenizer.json "normalizer".</summary>
internal interface ITextNormalizer
{
    string Normalize(string text);
}

/// <summary>Applies its normalizers in order ("Sequence").</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<ITextNormalizer> steps) : ITextNormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }
}

/// <summary>
/// "Precompiled": a SentencePiece charsmap applied the way Hugging Face tokenizers applies it, which is not
/// SentencePiece's way: text is cut into grapheme clusters; a cluster shorter than 6 UTF-8 bytes is replaced
/// whole by the rule of its shortest matching prefix, if any; otherwise each character is looked up alone.
/// </summary>
internal sealed class PrecompiledNormalizer(PrecompiledCharsMap charsMap) : ITextNormalizer
{
    public string Normalize(string text)
    {
        var output = new StringBuilder(text.Length);
        var clusters = StringInfo.GetTextElementEnumerator(text);
        Span<byte> utf8 = stackalloc byte[16];
        while (clusters.MoveNext())
        {
            var cluster = clusters.GetTextElement();
            if (Encoding.UTF8.GetByteCount(cluster) < 6)
            {
                var length = Encoding.UTF8.GetBytes(cluster, utf8);
                if (charsMap.ShortestPrefix(utf8[..length], out var replacement))
                {
                    output.Append(Encoding.UTF8.GetString(replacement));
                    continue;
                }
            }

            foreach (var rune in cluster.EnumerateRunes())
            {
                var length = rune.EncodeToUtf8(utf8);
                if (charsMap.ShortestPrefix(utf8[..length], out var replacement))
                {
                    output.Append(Encoding.UTF8.GetString(replacement));
                }
                else
                {
                    output.Append(rune.ToString());
                }
            }
        }

        return output.ToString();
    }
}

/// <summary>"Replace": every match of a literal string or a regular expression becomes the content.</summary>
internal sealed class ReplaceNormalizer : ITextNormalizer
{
    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly string _content;

    public ReplaceNormalizer(string? literal, string? regex, string content)
    {
        _literal = literal;
        _regex = regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant);
        _content = content;
    }

    public string Normalize(string text) => _regex is not null
        ? _regex.Replace(text, _content.Replace("$", "$$", StringComparison.Ordinal))
        : _literal!.Length == 0 ? text : text.Replace(_literal, _content, StringComparison.Ordinal);
}

/// <summary>"Strip": removes Unicode white space from either end.</summary>
internal sealed class StripNormalizer(bool left, bool right) : ITextNormalizer
{
    public string Normalize(string text) => (left, right) switch
    {
        (true, true) => text.Trim(),
        (true, false) => text.TrimStart(),
        (false, true) => text.TrimEnd(),
        _ => text,
    };
}

/// <summary>"Lowercase": Unicode lower-casing, culture-invariant.</summary>
internal sealed class LowercaseNormalizer : ITextNormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}

/// <summary>"Prepend": puts a string before non-empty text.</summary>
internal sealed class PrependNormalizer(string prefix) : ITextNormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}
