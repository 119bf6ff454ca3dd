using System.Net;
using System.Net.Http.Json;

namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>How one request of a load ended: an HTTP status, or the transport error that replaced it.</summary>
public sealed record Outcome(HttpStatusCode? Status, string? RetryAfter, string? Error, TimeSpan Elapsed)
{
    public bool Answered => Status is not null;

    public override string ToString() => Status is { } status ? $"{(int)status}" : $"error: {Error}";
}

/// <summary>Concurrent translate requests and a tally of how they ended.</summary>
public static class Load
{
    /// <summary>Sentences of everyday length; a request takes a few of them.</summary>
    public static readonly string[] Sentences =
    [
        "The cat is sleeping on the sofa.",
        "Where is the train station?",
        "I would like a cup of coffee, please.",
        "We are going to the beach tomorrow.",
        "She reads a book every evening.",
        "Can you help me carry these bags?",
        "The weather is very nice today.",
        "He forgot his keys at the office.",
    ];

    public static object Body(int index, int sentences, object? options = null) => new
    {
        text = string.Join(" ", Enumerable.Range(index, sentences).Select(i => Sentences[i % Sentences.Length])),
        options,
    };

    public static async Task<Outcome> PostAsync(HttpClient http, string path, object body)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsJsonAsync(path, body);
            await response.Content.ReadAsByteArrayAsync();
            return new Outcome(response.StatusCode, response.Headers.RetryAfter?.ToString(), null,
                System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new Outcome(null, null, e.HttpRequestError + ": " + e.Message, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    public static string Tally(IEnumerable<Outcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.ToString()).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));
}
