using System.Text.Json.Serialization;

namespace Seq2SeqService.Contracts;

/// <summary>Translations, one per input text, in input order.</summary>
/// <param name="Model" example="marian-tatoeba-en-fr">The model that translated.</param>
/// <param name="Translations">One per input text, in input order.</param>
/// <param name="Timings">Where the request's time went.</param>
public sealed record TranslateResponse(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("translations")] IReadOnlyList<Translation> Translations,
    [property: JsonPropertyName("timings")] Timings Timings);

/// <summary>The translation of one input text.</summary>
/// <param name="Text" example="Le chat dort sur le canapé.">The best translation.</param>
/// <param name="FinishReason" example="eos"><c>eos</c> when the model ended the text, <c>length</c> when <c>max_new_tokens</c> cut it.</param>
/// <param name="InputTokens" example="9">Source tokens, end-of-sequence included.</param>
/// <param name="OutputTokens" example="10">Generated tokens, end-of-sequence included.</param>
/// <param name="Alternatives">The other candidates when <c>num_return_sequences</c> &gt; 1, best first.</param>
/// <param name="Attention">With <c>options.return_attention</c>: the best translation's attention over the source.</param>
/// <param name="Scores">With <c>options.return_scores</c>: how confident the model was, for the text and each sentence.</param>
public sealed record Translation(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("alternatives"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Alternative>? Alternatives,
    [property: JsonPropertyName("attention"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    AttentionMap? Attention = null,
    [property: JsonPropertyName("scores"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    Scores? Scores = null);

/// <summary>
/// The model's confidence in the best translation (with <c>options.return_scores</c>): the mean log-probability of its
/// generated tokens (0 is certain; below about -1 is doubtful, docs/api.md#scores) and the search's sequence score
/// (beam search: the log-probability over length^length_penalty; otherwise the log-probability).
/// </summary>
/// <param name="MeanLogProb" example="-0.21">Over all of the text's generated tokens.</param>
/// <param name="Score" example="-0.35">The text's sentences scored together as one sequence.</param>
/// <param name="Sentences">Each translated sentence, in order.</param>
public sealed record Scores(
    [property: JsonPropertyName("mean_log_prob")] double MeanLogProb,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("sentences")] IReadOnlyList<SentenceScores> Sentences);

/// <summary>One sentence of the text, its translation and its scores.</summary>
/// <param name="Source" example="The cat is sleeping on the sofa.">The sentence as cut from the text.</param>
/// <param name="Text" example="Le chat dort sur le canapé.">Its translation.</param>
/// <param name="MeanLogProb" example="-0.21">Mean log-probability of its generated tokens.</param>
/// <param name="Score" example="-0.35">The search's score of the sentence.</param>
public sealed record SentenceScores(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("mean_log_prob")] double MeanLogProb,
    [property: JsonPropertyName("score")] double Score);

/// <summary>
/// The translation's attention (with <c>options.return_attention</c>): <c>weights[i][j]</c> is target token i's
/// attention on source token j; every row sums to 1. Tokens are the tokenizer's pieces, special tokens included
/// (the source's <c>&lt;/s&gt;</c>, and the target's when generation ended with it); a text split into sentences
/// has one diagonal block per sentence. See docs/recurrent-model.md.
/// </summary>
/// <param name="SourceTokens">Source pieces, in order.</param>
/// <param name="TargetTokens">Generated pieces, in order.</param>
/// <param name="Weights">One row per target token, one column per source token.</param>
public sealed record AttentionMap(
    [property: JsonPropertyName("source_tokens")] IReadOnlyList<string> SourceTokens,
    [property: JsonPropertyName("target_tokens")] IReadOnlyList<string> TargetTokens,
    [property: JsonPropertyName("weights")] float[][] Weights);

/// <summary>A further candidate translation.</summary>
/// <param name="Text" example="Le chat dort sur le divan.">The candidate.</param>
/// <param name="FinishReason" example="eos"><c>eos</c> or <c>length</c>.</param>
/// <param name="OutputTokens" example="10">Generated tokens, end-of-sequence included.</param>
public sealed record Alternative(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("output_tokens")] int OutputTokens);

/// <summary>
/// Where the request's time went, in milliseconds: queue + encode + decode is its time from acceptance to its last
/// sentence; total adds reading, splitting and answering (docs/api.md#timings).
/// </summary>
/// <param name="QueueMs" example="2.1">Time with none of its sentences in the decoder: before its first batch and between slices.</param>
/// <param name="EncodeMs" example="3.4">Of the time it had sentences in the decoder, the share its batches spent encoding.</param>
/// <param name="DecodeMs" example="41.7">The rest of the time it had sentences in the decoder.</param>
/// <param name="TotalMs" example="48.0">From the request's arrival to its response.</param>
public sealed record Timings(
    [property: JsonPropertyName("queue_ms")] double QueueMs,
    [property: JsonPropertyName("encode_ms")] double EncodeMs,
    [property: JsonPropertyName("decode_ms")] double DecodeMs,
    [property: JsonPropertyName("total_ms")] double TotalMs);

/// <summary>A <c>sentence</c> event of a streamed translation: one sentence of one text, as soon as it is translated.</summary>
/// <param name="Index" example="0">The text's index in the request.</param>
/// <param name="Sentence" example="0">The sentence's index in its text; events of a text come in this order.</param>
/// <param name="Sentences" example="3">How many sentences the text has.</param>
/// <param name="Source" example="The weather is nice today.">The sentence as cut from the text.</param>
/// <param name="Before" example="">The text's layout before the sentence (line breaks, spaces, list markers).</param>
/// <param name="Text" example="Le temps est beau aujourd'hui.">Its translation.</param>
/// <param name="After" example="">After the text's last sentence, the layout that ends the text; empty before.</param>
/// <param name="FinishReason" example="eos"><c>eos</c> or <c>length</c>.</param>
/// <param name="OutputTokens" example="9">Tokens generated for the sentence, end-of-sequence included.</param>
public sealed record SentenceEvent(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("sentence")] int Sentence,
    [property: JsonPropertyName("sentences")] int Sentences,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("before")] string Before,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("after")] string After,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("output_tokens")] int OutputTokens);

/// <summary>
/// A <c>text</c> event of a streamed translation with <c>num_beams</c> 1 and one sequence: what a sentence's
/// translation grew by in one decoder step, before its <c>sentence</c> event settles it.
/// </summary>
/// <param name="Index" example="0">The text's index in the request.</param>
/// <param name="Sentence" example="1">The sentence's index in its text.</param>
/// <param name="Text" example=" la gare">The text added, spaces included.</param>
public sealed record TextEvent(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("sentence")] int Sentence,
    [property: JsonPropertyName("text")] string Text);

/// <summary>The <c>error</c> event that ends a streamed translation that failed once accepted.</summary>
/// <param name="Status" example="503">The status the unary call would have answered.</param>
/// <param name="Title" example="Service unavailable">The problem's title.</param>
/// <param name="Detail" example="The service is shutting down.">What happened.</param>
/// <param name="RetryAfter" example="1">Seconds after which a retry makes sense, when one does.</param>
public sealed record StreamError(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("retry_after"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter);
