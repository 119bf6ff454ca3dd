namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>One vocabulary entry; its index in <see cref="ModelProto.Pieces"/> is its SentencePiece id.</summary>
public sealed record Piece(string Text, float Score, PieceType Type);

/// <summary>The fields of TrainerSpec that encoding and decoding depend on.</summary>
public sealed record TrainerSpec(
    ModelType ModelType,
    bool ByteFallback,
    bool TreatWhitespaceAsSuffix,
    string? UnkSurface,
    string UnkPiece,
    string BosPiece,
    string EosPiece,
    string PadPiece);

/// <summary>
/// NormalizerSpec. Defaults are proto2 defaults: a field absent from the file means true for the three flags.
/// </summary>
public sealed record NormalizerSpec(
    string Name,
    byte[] PrecompiledCharsmap,
    bool AddDummyPrefix,
    bool RemoveExtraWhitespaces,
    bool EscapeWhitespaces);

/// <summary>The parts of a SentencePiece ModelProto (.model / .spm file) this library uses.</summary>
public sealed record ModelProto(
    IReadOnlyList<Piece> Pieces,
    TrainerSpec TrainerSpec,
    NormalizerSpec NormalizerSpec,
    NormalizerSpec? DenormalizerSpec)
{
    /// <summary>Parses a serialized ModelProto.</summary>
    public static ModelProto Parse(ReadOnlySpan<byte> data)
    {
        var pieces = new List<Piece>();
        TrainerSpec? trainer = null;
        NormalizerSpec? normalizer = null;
        NormalizerSpec? denormalizer = null;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    pieces.Add(ParsePiece(reader.ReadBytes()));
                    break;
                case (2, 2):
                    trainer = ParseTrainerSpec(reader.ReadBytes());
                    break;
                case (3, 2):
                    normalizer = ParseNormalizerSpec(reader.ReadBytes());
                    break;
                case (5, 2):
                    denormalizer = ParseNormalizerSpec(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new InvalidDataException("The SentencePiece model has no pieces; is this a ModelProto file?");
        }

        return new ModelProto(
            pieces,
            trainer ?? ParseTrainerSpec(default),
            normalizer ?? ParseNormalizerSpec(default),
            denormalizer);
    }

    private static Piece ParsePiece(ReadOnlySpan<byte> data)
    {
        var text = string.Empty;
        var score = 0f;
        var type = PieceType.Normal;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    text = reader.ReadString();
                    break;
                case (2, 5):
                    score = reader.ReadFloat();
                    break;
                case (3, 0):
                    type = (PieceType)reader.ReadInt32();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (!Enum.IsDefined(type))
        {
            throw new InvalidDataException($"Piece '{text}' has unknown type {(int)type}.");
        }

        return new Piece(text, score, type);
    }

    private static TrainerSpec ParseTrainerSpec(ReadOnlySpan<byte> data)
    {
        var modelType = ModelType.Unigram;
        var byteFallback = false;
        var suffix = false;
        string? unkSurface = null;
        string unk = "<unk>", bos = "<s>", eos = "</s>", pad = "<pad>";
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (3, 0):
                    modelType = (ModelType)reader.ReadInt32();
                    break;
                case (24, 0):
                    suffix = reader.ReadBool();
                    break;
                case (35, 0):
                    byteFallback = reader.ReadBool();
                    break;
                case (44, 2):
                    unkSurface = reader.ReadString();
                    break;
                case (45, 2):
                    unk = NonEmptyOr(reader.ReadString(), unk);
                    break;
                case (46, 2):
                    bos = NonEmptyOr(reader.ReadString(), bos);
                    break;
                case (47, 2):
                    eos = NonEmptyOr(reader.ReadString(), eos);
                    break;
                case (48, 2):
                    pad = NonEmptyOr(reader.ReadString(), pad);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new TrainerSpec(modelType, byteFallback, suffix, unkSurface, unk, bos, eos, pad);
    }

    private static NormalizerSpec ParseNormalizerSpec(ReadOnlySpan<byte> data)
    {
        var name = string.Empty;
        var charsmap = Array.Empty<byte>();
        bool addDummyPrefix = true, removeExtraWhitespaces = true, escapeWhitespaces = true;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    name = reader.ReadString();
                    break;
                case (2, 2):
                    charsmap = reader.ReadBytes().ToArray();
                    break;
                case (3, 0):
                    addDummyPrefix = reader.ReadBool();
                    break;
                case (4, 0):
                    removeExtraWhitespaces = reader.ReadBool();
                    break;
                case (5, 0):
                    escapeWhitespaces = reader.ReadBool();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return new NormalizerSpec(name, charsmap, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces);
    }

    private static string NonEmptyOr(string value, string fallback) => value.Length == 0 ? fallback : value;
}
