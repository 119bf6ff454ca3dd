using System.Text;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>One step of a tokenizer.json "decoder": tokens in, tokens out; the final tokens are concatenated.</summary>
internal interface ITokenDecoder
{
    List<string> Decode(List<string> tokens);
}

internal sealed class SequenceDecoder(IReadOnlyList<ITokenDecoder> steps) : ITokenDecoder
{
    public List<string> Decode(List<string> tokens)
    {
        foreach (var step in steps)
        {
            tokens = step.Decode(tokens);
        }

        return tokens;
    }
}

/// <summary>"Metaspace": ▁ becomes a space, except in the first token when a prefix ▁ was being added.</summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme prependScheme) : ITokenDecoder
{
    public List<string> Decode(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            output.Add(i == 0 && prependScheme != PrependScheme.Never
                ? tokens[i].Replace(replacement.ToString(), string.Empty, StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' '));
        }

        return output;
    }
}

/// <summary>"Replace" in every token.</summary>
internal sealed class ReplaceDecoder(ReplaceNormalizer replace) : ITokenDecoder
{
    public List<string> Decode(List<string> tokens) => tokens.Select(replace.Normalize).ToList();
}

/// <summary>
/// "ByteFallback": runs of &lt;0xXX&gt; tokens become the text of their bytes; a run that is not valid UTF-8
/// becomes one U+FFFD per byte.
/// </summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public List<string> Decode(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' &&
                byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                continue;
            }

            Flush(bytes, output);
            output.Add(token);
        }

        Flush(bytes, output);
        return output;
    }

    private static void Flush(List<byte> bytes, List<string> output)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        try
        {
            output.Add(StrictUtf8.GetString(bytes.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            output.AddRange(Enumerable.Repeat("\uFFFD", bytes.Count));
        }

        bytes.Clear();
    }
}

/// <summary>"Fuse": all tokens become one.</summary>
internal sealed class FuseDecoder : ITokenDecoder
{
    public List<string> Decode(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>"Strip": removes up to <c>start</c> leading and <c>stop</c> trailing occurrences of a character from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : ITokenDecoder
{
    public List<string> Decode(List<string> tokens) => tokens.Select(Strip).ToList();

    private string Strip(string token)
    {
        var from = 0;
        while (from < start && from < token.Length && token[from] == content)
        {
            from++;
        }

        var to = token.Length;
        while (token.Length - to < stop && to > from && token[to - 1] == content)
        {
            to--;
        }

        return token[from..to];
    }
}

/// <summary>
/// "ByteLevel": the tokens' characters are read back as the bytes they spell (<see cref="ByteLevelAlphabet"/>) and the
/// bytes as UTF-8, an invalid sequence becoming U+FFFD.
/// </summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public List<string> Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            ByteLevelAlphabet.AppendBytes(token, bytes);
        }

        return [Encoding.UTF8.GetString([.. bytes])];
    }
}
