using System.Buffers.Binary;

namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// The normalization rules SentencePiece compiles into a model (NormalizerSpec.precompiled_charsmap): a
/// Darts-clone double array whose keys are UTF-8 source sequences and whose values are offsets of
/// NUL-terminated replacements stored after it. Blob layout: uint32 LE trie size, trie units, replacements.
/// </summary>
internal sealed class PrecompiledCharsMap
{
    private readonly uint[] _units;
    private readonly byte[] _replacements;

    private PrecompiledCharsMap(uint[] units, byte[] replacements)
    {
        _units = units;
        _replacements = replacements;
    }

    /// <summary>Reads the blob; null when it is empty (the model normalizes nothing).</summary>
    public static PrecompiledCharsMap? FromBlob(ReadOnlySpan<byte> blob)
    {
        if (blob.IsEmpty)
        {
            return null;
        }

        if (blob.Length <= 4)
        {
            throw new InvalidDataException("Precompiled charsmap is broken: shorter than its header.");
        }

        var trieSize = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieSize >= blob.Length || trieSize % 4 != 0 || trieSize < 4)
        {
            throw new InvalidDataException("Precompiled charsmap is broken: trie size exceeds the blob.");
        }

        var trieBytes = blob.Slice(4, (int)trieSize);
        var units = new uint[trieSize / 4];
        for (var i = 0; i < units.Length; i++)
        {
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(trieBytes.Slice(i * 4));
        }

        return new PrecompiledCharsMap(units, blob.Slice(4 + (int)trieSize).ToArray());
    }

    /// <summary>
    /// Finds the longest rule whose source is a prefix of <paramref name="input"/>, as SentencePiece does.
    /// Returns the source length (0 when no rule applies) and the replacement.
    /// </summary>
    public int LongestPrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement) =>
        Match(input, shortest: false, out replacement);

    /// <summary>Finds the shortest rule whose source is a prefix of the input, as Hugging Face's Precompiled does.</summary>
    public bool ShortestPrefix(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> replacement) =>
        Match(input, shortest: true, out replacement) > 0;

    /// <summary>Darts-clone common-prefix search over the units.</summary>
    private int Match(ReadOnlySpan<byte> input, bool shortest, out ReadOnlySpan<byte> replacement)
    {
        replacement = default;
        var units = _units;
        var matched = 0;
        var valueOffset = -1;
        uint nodePos = Offset(units[0]);
        for (var i = 0; i < input.Length; i++)
        {
            var label = input[i];
            nodePos ^= label;
            if (nodePos >= (uint)units.Length)
            {
                break;
            }

            var unit = units[nodePos];
            if ((unit & ((1u << 31) | 0xFF)) != label)
            {
                break;
            }

            nodePos ^= Offset(unit);
            if (((unit >> 8) & 1) == 1)
            {
                if (nodePos >= (uint)units.Length)
                {
                    break;
                }

                matched = i + 1;
                valueOffset = (int)(units[nodePos] & 0x7FFFFFFF);
                if (shortest)
                {
                    break;
                }
            }
        }

        if (matched == 0)
        {
            return 0;
        }

        if (valueOffset >= _replacements.Length)
        {
            throw new InvalidDataException("Precompiled charsmap is broken: replacement offset out of range.");
        }

        var tail = _replacements.AsSpan(valueOffset);
        var end = tail.IndexOf((byte)0);
        replacement = end < 0 ? tail : tail[..end];
        return matched;
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
