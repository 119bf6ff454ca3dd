namespace Seq2Seq.Tokenizers;

/// <summary>
/// What the generation engine needs from a tokenizer: text to model ids (with the end-of-sequence id the
/// model expects already appended) and model ids back to text. Implementations are thread-safe.
/// </summary>
public interface ITokenizer
{
    /// <summary>Number of ids in the model's vocabulary.</summary>
    int VocabSize { get; }

    int EosId { get; }

    int PadId { get; }

    int UnkId { get; }

    /// <summary>Model ids and the pieces they stand for, end-of-sequence included.</summary>
    TokenizedText Encode(string text);

    /// <summary>The piece an id stands for (special tokens by their names), as <see cref="Encode"/> reports pieces.</summary>
    string IdToPiece(int id);

    /// <summary>Text of the ids; with <paramref name="skipSpecialTokens"/>, padding, end-of-sequence and unknown ids are left out.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);
}
