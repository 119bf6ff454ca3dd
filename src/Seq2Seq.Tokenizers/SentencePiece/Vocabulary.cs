using System.Text;

namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// The pieces of a model, indexed for the segmenters. Like SentencePiece, normal, user-defined and unused
/// pieces are what segmentation may produce; control, unknown and byte pieces are only found by exact name.
/// </summary>
internal sealed class Vocabulary
{
    public Vocabulary(IReadOnlyList<Piece> pieces, bool byteFallback)
    {
        Count = pieces.Count;
        Texts = new string[Count];
        Utf8Texts = new byte[Count][];
        Scores = new float[Count];
        Types = new PieceType[Count];
        var segmentable = new List<(byte[], int)>();
        var reserved = new List<(byte[], int)>();
        var userDefined = new List<(byte[], int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ByteIds = new int[256];
        Array.Fill(ByteIds, -1);
        ByteValues = new int[Count];
        Array.Fill(ByteValues, -1);
        UnkId = -1;
        MinScore = float.MaxValue;

        // SentencePiece starts the maximum at FLT_MIN (the smallest positive float), not at -FLT_MAX; the
        // user-defined bonus in Viterbi depends on it, so it is kept.
        MaxScore = 1.17549435E-38f;
        for (var id = 0; id < Count; id++)
        {
            var piece = pieces[id];
            if (piece.Text.Length == 0 || piece.Text.Contains('\0'))
            {
                throw new InvalidDataException($"Piece {id} is empty or contains NUL.");
            }

            if (!seen.Add(piece.Text))
            {
                throw new InvalidDataException($"Piece '{piece.Text}' is defined twice.");
            }

            var utf8 = Encoding.UTF8.GetBytes(piece.Text);
            Texts[id] = piece.Text;
            Utf8Texts[id] = utf8;
            Scores[id] = piece.Score;
            Types[id] = piece.Type;
            switch (piece.Type)
            {
                case PieceType.Normal:
                    MinScore = Math.Min(MinScore, piece.Score);
                    MaxScore = Math.Max(MaxScore, piece.Score);
                    segmentable.Add((utf8, id));
                    break;
                case PieceType.UserDefined:
                    segmentable.Add((utf8, id));
                    userDefined.Add((utf8, id));
                    break;
                case PieceType.Unused:
                    segmentable.Add((utf8, id));
                    break;
                case PieceType.Unknown:
                    if (UnkId >= 0)
                    {
                        throw new InvalidDataException("The model defines more than one unknown piece.");
                    }

                    UnkId = id;
                    reserved.Add((utf8, id));
                    break;
                case PieceType.Byte:
                    if (!byteFallback)
                    {
                        throw new InvalidDataException($"Byte piece {piece.Text} found although byte_fallback is off.");
                    }

                    ByteValues[id] = ParseBytePiece(piece.Text);
                    ByteIds[ByteValues[id]] = id;
                    reserved.Add((utf8, id));
                    break;
                default:
                    reserved.Add((utf8, id));
                    break;
            }
        }

        if (UnkId < 0)
        {
            throw new InvalidDataException("The model defines no unknown piece.");
        }

        if (byteFallback && Array.IndexOf(ByteIds, -1) >= 0)
        {
            throw new InvalidDataException("byte_fallback is on but the model lacks some of the 256 byte pieces.");
        }

        Pieces = DoubleArrayTrie.Build(segmentable);
        Reserved = DoubleArrayTrie.Build(reserved);
        UserDefined = userDefined.Count > 0 ? DoubleArrayTrie.Build(userDefined) : null;
    }

    public int Count { get; }

    public string[] Texts { get; }

    public byte[][] Utf8Texts { get; }

    public float[] Scores { get; }

    public PieceType[] Types { get; }

    /// <summary>Id of the piece &lt;0xXX&gt; for each byte value, or -1 without byte fallback.</summary>
    public int[] ByteIds { get; }

    /// <summary>The byte a &lt;0xXX&gt; piece stands for, by id; -1 for other pieces.</summary>
    public int[] ByteValues { get; }

    public int UnkId { get; }

    /// <summary>Lowest and highest score over normal pieces.</summary>
    public float MinScore { get; }

    public float MaxScore { get; }

    /// <summary>Normal, user-defined and unused pieces: what segmentation can produce.</summary>
    public DoubleArrayTrie Pieces { get; }

    public DoubleArrayTrie Reserved { get; }

    /// <summary>User-defined symbols, which are matched before anything else; null when there are none.</summary>
    public DoubleArrayTrie? UserDefined { get; }

    /// <summary>Id of a piece by its exact text, reserved pieces first; the unknown id when there is none.</summary>
    public int PieceToId(ReadOnlySpan<byte> piece)
    {
        var id = Reserved.Find(piece);
        if (id >= 0)
        {
            return id;
        }

        id = Pieces.Find(piece);
        return id >= 0 ? id : UnkId;
    }

    private static int ParseBytePiece(string text)
    {
        if (text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' &&
            IsUpperHex(text[3]) && IsUpperHex(text[4]))
        {
            return Convert.ToInt32(text.Substring(3, 2), 16);
        }

        throw new InvalidDataException($"Byte piece '{text}' is not of the form <0xXX>.");
    }

    private static bool IsUpperHex(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'F');
}
