namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// SentencePiece's normalizer: applies the precompiled charsmap (longest matching rule first), keeps
/// user-defined symbols verbatim, drops leading, trailing and repeated spaces when asked, adds the dummy
/// prefix space, and writes spaces as U+2581. Works on UTF-8 bytes, as SentencePiece does, so that piece
/// boundaries fall where the reference puts them.
/// </summary>
internal sealed class Normalizer
{
    private readonly PrecompiledCharsMap? _charsMap;
    private readonly DoubleArrayTrie? _userDefined;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly bool _treatWhitespaceAsSuffix;

    public Normalizer(NormalizerSpec spec, bool treatWhitespaceAsSuffix, DoubleArrayTrie? userDefined)
    {
        _charsMap = PrecompiledCharsMap.FromBlob(spec.PrecompiledCharsmap);
        _userDefined = userDefined;
        _addDummyPrefix = spec.AddDummyPrefix;
        _removeExtraWhitespaces = spec.RemoveExtraWhitespaces;
        _escapeWhitespaces = spec.EscapeWhitespaces;
        _treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    }

    public void Normalize(ReadOnlySpan<byte> input, ref PooledBuffer<byte> output)
    {
        if (_removeExtraWhitespaces)
        {
            while (!input.IsEmpty)
            {
                var consumed = NormalizePrefix(input, out var head);
                if (!head.SequenceEqual(" "u8))
                {
                    break;
                }

                input = input[consumed..];
            }
        }

        if (input.IsEmpty)
        {
            return;
        }

        if (!_treatWhitespaceAsSuffix && _addDummyPrefix)
        {
            AppendSpace(ref output);
        }

        var isPrevSpace = _removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            var consumed = NormalizePrefix(input, out var normalized);
            while (isPrevSpace && !normalized.IsEmpty && normalized[0] == (byte)' ')
            {
                normalized = normalized[1..];
            }

            if (!normalized.IsEmpty)
            {
                foreach (var b in normalized)
                {
                    if (b == (byte)' ' && _escapeWhitespaces)
                    {
                        output.AddRange(Utf8.SpaceSymbol);
                    }
                    else
                    {
                        output.Add(b);
                    }
                }

                isPrevSpace = normalized[^1] == (byte)' ';
            }

            input = input[consumed..];
            if (!_removeExtraWhitespaces)
            {
                isPrevSpace = false;
            }
        }

        if (_removeExtraWhitespaces)
        {
            var space = _escapeWhitespaces ? Utf8.SpaceSymbol : " "u8;
            while (output.EndsWith(space))
            {
                output.Truncate(output.Count - space.Length);
            }
        }

        if (_treatWhitespaceAsSuffix && _addDummyPrefix)
        {
            AppendSpace(ref output);
        }
    }

    /// <summary>Normalizes the first unit of <paramref name="input"/>; returns how many input bytes it covers.</summary>
    private int NormalizePrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> normalized)
    {
        if (_userDefined is not null)
        {
            var length = _userDefined.LongestPrefix(input);
            if (length > 0)
            {
                normalized = input[..length];
                return length;
            }
        }

        if (_charsMap is not null)
        {
            var length = _charsMap.LongestPrefix(input, out normalized);
            if (length > 0)
            {
                return length;
            }
        }

        if (Utf8.TryDecode(input, out var charLength))
        {
            normalized = input[..charLength];
            return charLength;
        }

        normalized = Utf8.ReplacementCharacter;
        return 1;
    }

    private void AppendSpace(ref PooledBuffer<byte> output)
    {
        if (_escapeWhitespaces)
        {
            output.AddRange(Utf8.SpaceSymbol);
        }
        else
        {
            output.Add((byte)' ');
        }
    }
}
