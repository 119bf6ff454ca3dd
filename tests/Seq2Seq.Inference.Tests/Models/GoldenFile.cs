using System.Text.Json;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>A golden file written by models/training/export.py from the PyTorch reference.</summary>
internal sealed record GoldenFile(GenerationOptions Options, IReadOnlyList<GoldenCase> Cases)
{
    public static GoldenFile Read(string bundle, string file)
    {
        var path = RepoPaths.Golden(bundle, file);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var settings = document.RootElement.GetProperty("settings");
        var options = new GenerationOptions
        {
            MaxNewTokens = settings.GetProperty("max_new_tokens").GetInt32(),
            NumBeams = settings.GetProperty("num_beams").GetInt32(),
            LengthPenalty = settings.GetProperty("length_penalty").GetSingle(),
            EarlyStopping = settings.GetProperty("early_stopping").GetBoolean(),
            NumReturnSequences = settings.GetProperty("num_return_sequences").GetInt32(),
            RepetitionPenalty = settings.GetProperty("repetition_penalty").GetSingle(),
            NoRepeatNgramSize = settings.GetProperty("no_repeat_ngram_size").GetInt32(),
            MinLength = settings.GetProperty("min_length").GetInt32(),
            DoSample = false,
        };
        var cases = document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new GoldenCase(
            c.GetProperty("source").GetString()!,
            Ids(c.GetProperty("input_ids")),
            Ids(c.GetProperty("output_ids")),
            c.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : null,
            c.TryGetProperty("text", out var text) ? text.GetString() : null,
            c.TryGetProperty("finish_reason", out var reason) ? reason.GetString() : null,
            c.TryGetProperty("attention", out var attention) ? [.. attention.EnumerateArray().Select(r => r.EnumerateArray().Select(w => w.GetSingle()).ToArray())] : null)).ToList();
        return new GoldenFile(options, cases);
    }

    private static int[] Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];
}

/// <param name="Attention">rnn_export.py's files: per output token, its attention over the input tokens.</param>
internal sealed record GoldenCase(string Source, int[] InputIds, int[] OutputIds, double? Score, string? Text, string? FinishReason, float[][]? Attention);
