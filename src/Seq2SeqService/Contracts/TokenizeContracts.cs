using System.Text.Json.Serialization;

namespace Seq2SeqService.Contracts;

/// <summary>A text to show through the source tokenizer's eyes.</summary>
public sealed class TokenizeRequest
{
    /// <summary>The text to tokenize.</summary>
    /// <example>Hello world.</example>
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>Name of a loaded model; the default model when omitted.</summary>
    /// <example>marian-tatoeba-en-fr</example>
    [JsonPropertyName("model")]
    public string? Model { get; set; }
}

/// <summary>Token ids and their pieces, end-of-sequence included, as the encoder receives them.</summary>
/// <param name="Model" example="marian-tatoeba-en-fr">The model whose tokenizer was used.</param>
/// <param name="Ids" example="[44, 101, 198, 927, 2, 0]">Token ids.</param>
/// <param name="Pieces" example="[&quot;▁He&quot;, &quot;ll&quot;, &quot;o&quot;, &quot;▁world&quot;, &quot;.&quot;, &quot;&lt;/s&gt;&quot;]">The piece each id stands for.</param>
public sealed record TokenizeResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("ids")] IReadOnlyList<int> Ids,
    [property: JsonPropertyName("pieces")] IReadOnlyList<string> Pieces);
