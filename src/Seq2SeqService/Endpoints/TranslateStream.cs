using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Seq2SeqService.Application;
using Seq2SeqService.Contracts;

namespace Seq2SeqService.Endpoints;

/// <summary>
/// POST /translate answered as Server-Sent Events: with one greedy sequence, a <c>text</c> event each time a
/// sentence's translation grows; a <c>sentence</c> event for each sentence as soon as it and those before it in its
/// text are translated, then <c>done</c> with the response the unary call gives, or <c>error</c>
/// with a problem object if the request fails once accepted. A request refused before it is queued gets its usual
/// status and problem document instead; a comment line every few seconds keeps idle connections open.
/// </summary>
public sealed class TranslateStream(TranslationService translator, TranslationCommand command,
    Func<TranslationOutcome, IResult> answer) : IResult
{
    public const string MediaType = "text/event-stream";

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    /// <summary>Whether the client's Accept header asks for an event stream.</summary>
    public static bool IsAsked(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));

    public async Task ExecuteAsync(HttpContext context)
    {
        var events = Channel.CreateUnbounded<object?>(new UnboundedChannelOptions { SingleReader = true });
        var translating = translator.TranslateAsync(command, context.RequestAborted, new ChannelProgress(events.Writer));
        try
        {
            var first = events.Reader.WaitToReadAsync(context.RequestAborted).AsTask();
            if (await Task.WhenAny(first, translating) == translating && !events.Reader.TryPeek(out _) &&
                await translating is { Succeeded: false } refused)
            {
                await answer(refused).ExecuteAsync(context);
                return;
            }

            var response = context.Response;
            response.ContentType = MediaType;
            response.Headers.CacheControl = "no-cache";
            // Proxies such as nginx would otherwise hold the events back until the answer ends.
            response.Headers["X-Accel-Buffering"] = "no";
            await response.StartAsync(context.RequestAborted);
            var ended = translating.ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);
            await WriteSentencesAsync(events.Reader, response, context.RequestAborted);
            await ended;
            await WriteFinalAsync(await translating, context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; its cancellation already stops the rows.
        }
    }

    private static async Task WriteSentencesAsync(ChannelReader<object?> events, HttpResponse response,
        CancellationToken cancellation)
    {
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            idle.CancelAfter(KeepAlive);
            bool more;
            try
            {
                more = await events.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                await response.WriteAsync(": keep-alive\n\n", cancellation);
                await response.Body.FlushAsync(cancellation);
                continue;
            }

            if (!more)
            {
                return;
            }

            while (events.TryRead(out var next))
            {
                switch (next)
                {
                    case SentenceTranslated sentence:
                        await WriteEventAsync(response, "sentence", new SentenceEvent(sentence.Text, sentence.Sentence,
                            sentence.Sentences, sentence.Source, sentence.Before, sentence.Translation, sentence.After,
                            sentence.FinishReason == FinishReason.Length ? "length" : "eos", sentence.OutputTokens), cancellation);
                        break;
                    case TextTranslating text:
                        await WriteEventAsync(response, "text", new TextEvent(text.Text, text.Sentence, text.Appended), cancellation);
                        break;
                }
            }

            await response.Body.FlushAsync(cancellation);
        }
    }

    private async Task WriteFinalAsync(TranslationOutcome outcome, HttpContext context)
    {
        switch (answer(outcome))
        {
            case Ok<TranslateResponse> ok:
                await WriteEventAsync(context.Response, "done", ok.Value!, context.RequestAborted);
                break;
            case IValueHttpResult { Value: Microsoft.AspNetCore.Mvc.ProblemDetails problem }:
                var retryAfter = outcome.Error?.RetryAfter is { } wait ? (int?)Math.Ceiling(wait.TotalSeconds) : null;
                await WriteEventAsync(context.Response, "error", new StreamError(
                    problem.Status ?? StatusCodes.Status500InternalServerError, problem.Title, problem.Detail, retryAfter),
                    context.RequestAborted);
                break;
        }

        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteEventAsync<T>(HttpResponse response, string name, T data, CancellationToken cancellation)
    {
        await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n", cancellation);
    }

    /// <summary>Hands the service's progress to the stream's channel; <c>null</c> marks the acceptance.</summary>
    private sealed class ChannelProgress(ChannelWriter<object?> writer) : ITranslationProgress
    {
        public void Accepted() => writer.TryWrite(null);

        public void Sentence(SentenceTranslated sentence) => writer.TryWrite(sentence);

        public void Text(TextTranslating text) => writer.TryWrite(text);
    }
}
