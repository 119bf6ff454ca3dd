using System.Text.Json.Serialization;

namespace Seq2SeqService.Contracts;

/// <summary>Translations, one per input text, in input order.</summary>
public sealed record TranslateResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("translations")] IReadOnlyList<Translation> Translations,
    [property: JsonPropertyName("timings")] Timings Timings);

/// <summary>The translation of one input text.</summary>
/// <param name="Text">The best translation. <example>Le chat dort sur le canapé.</example></param>
/// <param name="FinishReason"><c>eos</c> when the model ended the text, <c>length</c> when <c>max_new_tokens</c> cut it. <example>eos</example></param>
/// <param name="InputTokens">Source tokens, end-of-sequence included. <example>9</example></param>
/// <param name="OutputTokens">Generated tokens, end-of-sequence included. <example>10</example></param>
/// <param name="Alternatives">The other candidates when <c>num_return_sequences</c> &gt; 1, best first.</param>
public sealed record Translation(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("alternatives"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Alternative>? Alternatives);

/// <summary>A further candidate translation.</summary>
public sealed record Alternative(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("output_tokens")] int OutputTokens);

/// <summary>Where the request's time went, in milliseconds.</summary>
/// <param name="QueueMs">From acceptance to the start of its (first) batch. <example>2.1</example></param>
/// <param name="EncodeMs">Encoder time of the batch(es) that carried it. <example>3.4</example></param>
/// <param name="DecodeMs">Decoder time of the batch(es) that carried it. <example>41.7</example></param>
/// <param name="TotalMs">From the request's arrival to its response. <example>48.0</example></param>
public sealed record Timings(
    [property: JsonPropertyName("queue_ms")] double QueueMs,
    [property: JsonPropertyName("encode_ms")] double EncodeMs,
    [property: JsonPropertyName("decode_ms")] double DecodeMs,
    [property: JsonPropertyName("total_ms")] double TotalMs);
