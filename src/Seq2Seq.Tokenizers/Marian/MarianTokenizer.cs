using System.Text;
using System.Text.Json;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.Marian;

/// <summary>
/// The tokenizer of Marian / opus-mt bundles, behaving as Hugging Face's MarianTokenizer: source text is cut
/// by source.spm, pieces become model ids through vocab.json (a piece it lacks becomes &lt;unk&gt;), and
/// &lt;/s&gt; is appended. A leading language tag such as <c>&gt;&gt;fra&lt;&lt;</c> is kept as one token.
/// Model ids decode through the vocabulary back to pieces, which target.spm turns into text.
/// </summary>
public sealed class MarianTokenizer : ITokenizer
{
    private const string EosToken = "</s>";
    private const string UnkToken = "<unk>";
    private const string PadToken = "<pad>";

    private readonly SentencePieceModel _source;
    private readonly SentencePieceModel _target;
    private readonly IReadOnlyDictionary<string, int> _encoder;
    private readonly string[] _decoder;
    private readonly HashSet<int> _specialIds;

    /// <param name="source">source.spm</param>
    /// <param name="target">target.spm</param>
    /// <param name="vocab">vocab.json: piece to model id</param>
    /// <param name="targetVocab">target_vocab.json when the bundle has separate vocabularies; decoding uses it</param>
    public MarianTokenizer(SentencePieceModel source, SentencePieceModel target, IReadOnlyDictionary<string, int> vocab,
        IReadOnlyDictionary<string, int>? targetVocab = null)
    {
        if (vocab.Count == 0 || targetVocab is { Count: 0 })
        {
            throw new InvalidDataException("The Marian vocabulary is empty.");
        }

        _source = source;
        _target = target;
        _encoder = vocab;
        UnkId = vocab.TryGetValue(UnkToken, out var unk)
            ? unk
            : throw new InvalidDataException($"The Marian vocabulary has no {UnkToken} entry.");
        EosId = vocab.TryGetValue(EosToken, out var eos)
            ? eos
            : throw new InvalidDataException($"The Marian vocabulary has no {EosToken} entry.");
        PadId = vocab.TryGetValue(PadToken, out var pad) ? pad : -1;
        var decoding = targetVocab ?? vocab;
        VocabSize = Math.Max(vocab.Values.Max(), decoding.Values.Max()) + 1;
        _decoder = new string[VocabSize];
        foreach (var (piece, id) in decoding)
        {
            if (id < 0)
            {
                throw new InvalidDataException($"The Marian vocabulary maps '{piece}' to negative id {id}.");
            }

            _decoder[id] ??= piece;
        }

        _specialIds = new HashSet<int> { UnkId, EosId };
        if (PadId >= 0)
        {
            _specialIds.Add(PadId);
        }
    }

    /// <summary>Loads source.spm, target.spm and vocab.json (and target_vocab.json when present) from a bundle folder.</summary>
    public static MarianTokenizer Load(string directory)
    {
        var targetVocabPath = Path.Combine(directory, "target_vocab.json");
        return new MarianTokenizer(
            SentencePieceModel.Load(Path.Combine(directory, "source.spm")),
            SentencePieceModel.Load(Path.Combine(directory, "target.spm")),
            ReadVocab(Path.Combine(directory, "vocab.json")),
            File.Exists(targetVocabPath) ? ReadVocab(targetVocabPath) : null);
    }

    /// <summary>Reads a JSON object of piece → id.</summary>
    public static Dictionary<string, int> ReadVocab(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
            ?? throw new InvalidDataException($"{path} is not a JSON object of piece to id.");
    }

    public int VocabSize { get; }

    public int EosId { get; }

    public int PadId { get; }

    public int UnkId { get; }

    public TokenizedText Encode(string text)
    {
        var pieces = new List<string>();
        var rest = text.AsSpan();
        if (rest.StartsWith(">>", StringComparison.Ordinal))
        {
            var end = rest.IndexOf("<<", StringComparison.Ordinal);
            if (end >= 0)
            {
                pieces.Add(rest[..(end + 2)].ToString());
                rest = rest[(end + 2)..];
            }
        }

        var spmIds = new List<int>();
        _source.Encode(rest, spmIds, pieces);
        pieces.Add(EosToken);
        var ids = new int[pieces.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = _encoder.TryGetValue(pieces[i], out var id) ? id : UnkId;
        }

        return new TokenizedText(ids, pieces.ToArray());
    }

    public string IdToPiece(int id) => (uint)id < (uint)_decoder.Length
        ? _decoder[id] ?? UnkToken
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Model id must be in [0, {VocabSize}).");

    /// <summary>
    /// Without skipping, special tokens appear as their names followed by a space, as in Hugging Face.
    /// Hugging Face's optional clean-up of spaces before punctuation is not applied: it damages French.
    /// </summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var output = new StringBuilder();
        var run = new List<string>();
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_decoder.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Model id must be in [0, {VocabSize}).");
            }

            var isSpecial = _specialIds.Contains(id);
            if (isSpecial && skipSpecialTokens)
            {
                continue;
            }

            var piece = _decoder[id] ?? UnkToken;
            if (isSpecial)
            {
                output.Append(_target.DecodePieces(run)).Append(piece).Append(' ');
                run.Clear();
            }
            else
            {
                run.Add(piece);
            }
        }

        output.Append(_target.DecodePieces(run));
        return output.Replace('\u2581', ' ').ToString().Trim();
    }
}
