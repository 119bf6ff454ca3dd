using System.Text;

namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// Turns pieces back into text as spm_decode does: control pieces vanish, the unknown piece reads " ⁇ "
/// (or the model's unk_surface), runs of byte pieces are decoded as UTF-8 with each malformed byte becoming
/// U+FFFD, U+2581 becomes a space, and leading space from the dummy prefix is dropped.
/// </summary>
internal sealed class SentencePieceDecoder
{
    private static readonly byte[] DefaultUnknownSurface = " \u2047 "u8.ToArray();

    private readonly Vocabulary _vocab;
    private readonly Normalizer? _denormalizer;
    private readonly byte[] _unknownSurface;
    private readonly bool _stripBosSpace;
    private readonly bool _removeExtraWhitespaces;

    public SentencePieceDecoder(Vocabulary vocab, ModelProto proto, Normalizer? denormalizer)
    {
        _vocab = vocab;
        _denormalizer = denormalizer;
        _unknownSurface = proto.TrainerSpec.UnkSurface is { } surface
            ? Encoding.UTF8.GetBytes(surface)
            : DefaultUnknownSurface;
        _stripBosSpace = proto.NormalizerSpec.AddDummyPrefix || proto.NormalizerSpec.RemoveExtraWhitespaces;
        _removeExtraWhitespaces = proto.NormalizerSpec.RemoveExtraWhitespaces;
    }

    public string Decode(IReadOnlyList<int> ids)
    {
        var pieces = new (byte[] Text, int Id)[ids.Count];
        for (var i = 0; i < pieces.Length; i++)
        {
            pieces[i] = (_vocab.Utf8Texts[ids[i]], ids[i]);
        }

        return Decode(pieces);
    }

    public string DecodePieces(IReadOnlyList<string> pieces)
    {
        var resolved = new (byte[] Text, int Id)[pieces.Count];
        for (var i = 0; i < resolved.Length; i++)
        {
            var utf8 = Encoding.UTF8.GetBytes(pieces[i]);
            resolved[i] = (utf8, _vocab.PieceToId(utf8));
        }

        return Decode(resolved);
    }

    private string Decode(ReadOnlySpan<(byte[] Text, int Id)> pieces)
    {
        var text = new PooledBuffer<byte>(64);
        var bytes = new PooledBuffer<byte>(16);
        try
        {
            var expectBosSpace = true;
            var bosSpaceSeen = false;
            foreach (var (piece, id) in pieces)
            {
                if (_vocab.Types[id] == PieceType.Byte)
                {
                    bytes.Add((byte)_vocab.ByteValues[id]);
                    continue;
                }

                FlushBytes(ref bytes, ref text);
                if (bosSpaceSeen || text.Count > 0)
                {
                    expectBosSpace = false;
                }

                bosSpaceSeen = AppendPiece(piece, id, expectBosSpace, ref text);
            }

            FlushBytes(ref bytes, ref text);
            return Finish(text.Span);
        }
        finally
        {
            text.Dispose();
            bytes.Dispose();
        }
    }

    /// <summary>Appends the surface of one non-byte piece; returns whether it consumed the leading space.</summary>
    private bool AppendPiece(ReadOnlySpan<byte> piece, int id, bool expectBosSpace, ref PooledBuffer<byte> text)
    {
        switch (_vocab.Types[id])
        {
            case PieceType.Control:
                return false;
            case PieceType.Unknown:
                text.AddRange(piece.SequenceEqual(_vocab.Utf8Texts[id]) ? _unknownSurface : piece);
                return false;
        }

        var consumedBosSpace = false;
        if (expectBosSpace && _stripBosSpace && piece.StartsWith(Utf8.SpaceSymbol))
        {
            piece = piece[Utf8.SpaceSymbol.Length..];

            // With extra whitespace removed, every leading space goes, so the next piece is still "first".
            consumedBosSpace = !_removeExtraWhitespaces;
        }

        while (!piece.IsEmpty)
        {
            var at = piece.IndexOf(Utf8.SpaceSymbol);
            if (at < 0)
            {
                text.AddRange(piece);
                break;
            }

            text.AddRange(piece[..at]);
            text.Add((byte)' ');
            piece = piece[(at + Utf8.SpaceSymbol.Length)..];
        }

        return consumedBosSpace;
    }

    private static void FlushBytes(ref PooledBuffer<byte> bytes, ref PooledBuffer<byte> text)
    {
        var span = bytes.Span;
        while (!span.IsEmpty)
        {
            if (Utf8.TryDecode(span, out var length))
            {
                text.AddRange(span[..length]);
            }
            else
            {
                text.AddRange(Utf8.ReplacementCharacter);
            }

            span = span[length..];
        }

        bytes.Truncate(0);
    }

    private string Finish(ReadOnlySpan<byte> text)
    {
        if (_denormalizer is null)
        {
            return Encoding.UTF8.GetString(text);
        }

        var denormalized = new PooledBuffer<byte>(text.Length * 2);
        try
        {
            _denormalizer.Normalize(text, ref denormalized);
            return Encoding.UTF8.GetString(denormalized.Span);
        }
        finally
        {
            denormalized.Dispose();
        }
    }
}
