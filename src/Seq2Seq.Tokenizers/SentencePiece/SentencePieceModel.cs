using System.Buffers;
using System.Text;

namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// A SentencePiece model (.model / .spm) that encodes and decodes exactly as the reference command-line tools
/// spm_encode and spm_decode do: ids are SentencePiece's own. Thread-safe; load once and share.
/// </summary>
public sealed class SentencePieceModel
{
    private readonly Vocabulary _vocab;
    private readonly Normalizer _normalizer;
    private readonly ISegmenter _segmenter;
    private readonly SentencePieceDecoder _decoder;

    public SentencePieceModel(ModelProto proto)
    {
        Proto = proto;
        var trainer = proto.TrainerSpec;
        _vocab = new Vocabulary(proto.Pieces, trainer.ByteFallback);
        _normalizer = new Normalizer(proto.NormalizerSpec, trainer.TreatWhitespaceAsSuffix, _vocab.UserDefined);
        _segmenter = trainer.ModelType switch
        {
            ModelType.Unigram => new UnigramSegmenter(_vocab),
            ModelType.Bpe => new BpeSegmenter(_vocab),
            _ => throw new NotSupportedException(
                $"SentencePiece model type {trainer.ModelType} is not supported; only Unigram and Bpe are."),
        };
        var denormalizer = proto.DenormalizerSpec is { PrecompiledCharsmap.Length: > 0 } spec
            ? new Normalizer(spec, treatWhitespaceAsSuffix: false, userDefined: null)
            : null;
        _decoder = new SentencePieceDecoder(_vocab, proto, denormalizer);
        UnkId = _vocab.UnkId;
        BosId = ControlId(trainer.BosPiece);
        EosId = ControlId(trainer.EosPiece);
        PadId = ControlId(trainer.PadPiece);
    }

    /// <summary>Loads a serialized ModelProto file (spm_train's .model, Marian's .spm).</summary>
    public static SentencePieceModel Load(string path) => FromBytes(File.ReadAllBytes(path));

    public static SentencePieceModel FromBytes(ReadOnlySpan<byte> data) => new(ModelProto.Parse(data));

    public ModelProto Proto { get; }

    public ModelType ModelType => Proto.TrainerSpec.ModelType;

    public int VocabSize => _vocab.Count;

    public int UnkId { get; }

    /// <summary>Id of &lt;s&gt;, or -1 when the model has none.</summary>
    public int BosId { get; }

    /// <summary>Id of &lt;/s&gt;, or -1 when the model has none.</summary>
    public int EosId { get; }

    /// <summary>Id of &lt;pad&gt;, or -1 when the model has none.</summary>
    public int PadId { get; }

    public string IdToPiece(int id) => _vocab.Texts[CheckId(id)];

    public PieceType GetPieceType(int id) => _vocab.Types[CheckId(id)];

    public float GetScore(int id) => _vocab.Scores[CheckId(id)];

    /// <summary>The id of a piece, or <see cref="UnkId"/> when the vocabulary does not have it.</summary>
    public int PieceToId(string piece) => _vocab.PieceToId(Encoding.UTF8.GetBytes(piece));

    /// <summary>Encodes like <c>spm_encode</c>: pieces and SentencePiece ids, no BOS/EOS added.</summary>
    public TokenizedText Encode(string text)
    {
        var ids = new List<int>();
        var pieces = new List<string>();
        Encode(text, ids, pieces);
        return new TokenizedText(ids.ToArray(), pieces.ToArray());
    }

    /// <summary>Encodes and appends the ids, and the pieces when <paramref name="pieces"/> is given.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, List<string>? pieces = null)
    {
        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var normalized = new PooledBuffer<byte>(text.Length * 3);
        var segments = new PooledBuffer<Segment>(text.Length + 1);
        try
        {
            var length = Encoding.UTF8.GetBytes(text, utf8);
            _normalizer.Normalize(utf8.AsSpan(0, length), ref normalized);
            _segmenter.Segment(normalized.Span, ref segments);
            Emit(normalized.Span, segments.Span, ids, pieces);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
            normalized.Dispose();
            segments.Dispose();
        }
    }

    /// <summary>Decodes like <c>spm_decode --input_format=id</c>.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        foreach (var id in ids)
        {
            CheckId(id);
        }

        return _decoder.Decode(ids);
    }

    /// <summary>Decodes pieces by name like <c>spm_decode --input_format=piece</c>; unknown names are kept as text.</summary>
    public string DecodePieces(IReadOnlyList<string> pieces) => _decoder.DecodePieces(pieces);

    /// <summary>
    /// Turns segments into output pieces as SentencePiece does: an unknown piece becomes its UTF-8 bytes with
    /// byte fallback; without it, consecutive unknown pieces become one.
    /// </summary>
    private void Emit(ReadOnlySpan<byte> normalized, ReadOnlySpan<Segment> segments, List<int> ids, List<string>? pieces)
    {
        var unkStart = -1;
        var unkEnd = -1;
        foreach (var segment in segments)
        {
            var isUnknown = _vocab.Types[segment.Id] == PieceType.Unknown;
            if (isUnknown && Proto.TrainerSpec.ByteFallback)
            {
                foreach (var b in normalized.Slice(segment.Start, segment.Length))
                {
                    var byteId = _vocab.ByteIds[b];
                    ids.Add(byteId);
                    pieces?.Add(_vocab.Texts[byteId]);
                }

                continue;
            }

            if (isUnknown)
            {
                if (unkStart < 0)
                {
                    unkStart = segment.Start;
                    ids.Add(segment.Id);
                }

                unkEnd = segment.Start + segment.Length;
                continue;
            }

            FlushUnknown(normalized, ref unkStart, unkEnd, pieces);
            ids.Add(segment.Id);
            pieces?.Add(_vocab.Texts[segment.Id]);
        }

        FlushUnknown(normalized, ref unkStart, unkEnd, pieces);
    }

    private static void FlushUnknown(ReadOnlySpan<byte> normalized, ref int unkStart, int unkEnd, List<string>? pieces)
    {
        if (unkStart < 0)
        {
            return;
        }

        pieces?.Add(Encoding.UTF8.GetString(normalized[unkStart..unkEnd]));
        unkStart = -1;
    }

    private int ControlId(string piece)
    {
        var id = _vocab.PieceToId(Encoding.UTF8.GetBytes(piece));
        return _vocab.Types[id] == PieceType.Control ? id : -1;
    }

    private int CheckId(int id)
    {
        if ((uint)id >= (uint)_vocab.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Piece id must be in [0, {_vocab.Count}).");
        }

        return id;
    }
}
