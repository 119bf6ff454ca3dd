namespace Seq2SeqService.Catalog;

/// <summary>
/// A task a model was trained for by a source prefix (T5's task_specific_params): a request's <c>task</c> names it,
/// and a translation task's pair is chosen by the request's languages.
/// </summary>
/// <param name="Name">The task's name, e.g. "summarization" or "translation_en_to_fr".</param>
/// <param name="Prefix">What every source is written after.</param>
/// <param name="Source">The pair's source language (ISO 639-1) for a translation task; null for another.</param>
/// <param name="Target">The pair's target language for a translation task; null for another.</param>
public sealed record ModelTask(string Name, string Prefix, string? Source, string? Target);
