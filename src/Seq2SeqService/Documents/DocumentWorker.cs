using System.Diagnostics;
using Microsoft.Extensions.Options;
using Seq2SeqService.Options;
using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>What an upload asks for, checked and read by the API that took it.</summary>
public sealed record DocumentRequest(byte[] File, string FileName, DocumentFormat Format, TranslatableDocument Text,
    string Model, string Owner, string Api, string? SourceLanguage = null, string? TargetLanguage = null);

/// <summary>
/// Translates uploaded documents in the background, one after another, through
/// <see cref="TranslationService.TranslateAsync"/>: each chunk of whole paragraphs is one request, admitted and
/// scheduled beside the interactive ones, so a document never holds the decoder longer than a large request would.
/// Jobs come from the <see cref="IDocumentQueue"/>, which replicas sharing a store share: jobs left unfinished by a
/// stopped process are taken again (at its next start, or by another replica); expired ones are removed every minute.
/// </summary>
public sealed class DocumentWorker(IDocumentStore store, IDocumentQueue queue, TranslationService translation,
    TimeProvider time, IOptions<DocumentOptions> options, ILogger<DocumentWorker> log) : BackgroundService
{
    /// <summary>
    /// Characters of paragraphs per request: small enough that progress moves and interactive requests get the
    /// decoder between chunks, large enough that a chunk's sentences share batches.
    /// </summary>
    public const int ChunkCharacters = 4096;

    private static readonly TimeSpan CleanupPeriod = TimeSpan.FromMinutes(1);

    public async Task<DocumentJob> SubmitAsync(DocumentRequest request, CancellationToken cancellation)
    {
        var now = time.GetUtcNow();
        var job = new DocumentJob
        {
            Id = DocumentJob.NewId(),
            Key = DocumentJob.NewKey(),
            Owner = request.Owner,
            FileName = request.FileName,
            Format = request.Format.Name,
            Model = request.Model,
            SourceLanguage = request.SourceLanguage,
            TargetLanguage = request.TargetLanguage,
            Api = request.Api,
            Created = now,
            Expires = now + options.Value.TimeToLive,
            BilledCharacters = request.Text.Characters,
        };
        await store.CreateAsync(job, request.File, cancellation);
        await queue.EnqueueAsync(job.Id, cancellation);
        return job;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var cleanup = CleanupAsync(stopping);
        try
        {
            while (true)
            {
                await using var lease = await queue.TakeAsync(stopping);
                var id = lease.Id;
                using var working = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
                try
                {
                    await TranslateAsync(id, working.Token);
                }
                catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !stopping.IsCancellationRequested)
                {
                    // Another replica may be translating it now; the queue logged why.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next document must not wait on this one's fault (a store that failed to write, say).
                    log.LogError(e, "Document {DocumentId} failed", id);
                    if (await store.GetAsync(id, stopping) is { } job)
                    {
                        await FinishAsync(job with
                        {
                            Status = DocumentStatus.Error, ErrorKind = TranslationErrorKind.Failed, SecondsRemaining = null,
                            ErrorMessage = "The document could not be translated; upload it again.",
                        }, null, stopping);
                    }
                }

                // Stopping or a lost claim leaves the job on the queue, to be taken again; any other end takes it off.
                if (!working.IsCancellationRequested)
                {
                    await lease.FinishAsync(stopping);
                }
            }
        }
        finally
        {
            await cleanup;
        }
    }

    private async Task CleanupAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(CleanupPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await store.RemoveExpiredAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task TranslateAsync(string id, CancellationToken stopping)
    {
        if (await store.GetAsync(id, stopping) is not { Status: DocumentStatus.Queued or DocumentStatus.Translating } job ||
            await store.ReadFileAsync(id, stopping) is not { } file || DocumentFormat.Named(job.Format) is not { } format)
        {
            return;
        }

        var text = format.Parse(file, options.Value);
        var paragraphs = text.Paragraphs;
        var total = Math.Max(1, paragraphs.Sum(p => (long)p.Length));
        var progress = new CharactersDone();
        var started = Stopwatch.GetTimestamp();
        job = job with { Status = DocumentStatus.Translating, Progress = 0, SecondsRemaining = null };
        await store.UpdateAsync(job, stopping);

        var translations = new List<TranslationCandidate>(paragraphs.Count);
        foreach (var (start, count) in Chunks(paragraphs))
        {
            var command = new TranslationCommand(paragraphs.Skip(start).Take(count).ToList(), job.Model,
                Splitting: format.Splitting, Fragments: true, Api: job.Api, Marks: text.Marks?.Skip(start).Take(count).ToList(),
                SourceLanguage: job.SourceLanguage, TargetLanguage: job.TargetLanguage);
            var outcome = await TranslateChunkAsync(command, progress, stopping);
            if (outcome is null)
            {
                return;
            }

            if (!outcome.Succeeded)
            {
                await FinishAsync(job with
                {
                    Status = DocumentStatus.Error, ErrorMessage = outcome.Error.Message, ErrorKind = outcome.Error.Kind,
                    SecondsRemaining = null,
                }, null, stopping);
                return;
            }

            translations.AddRange(outcome.Result.Texts.Select(t => t.Best));
            var done = Math.Min(1.0, (double)progress.Characters / total);
            var elapsed = Stopwatch.GetElapsedTime(started);
            job = job with
            {
                Progress = done,
                SecondsRemaining = done > 0 ? (int)Math.Ceiling(elapsed.TotalSeconds * (1 - done) / done) : null,
            };
            await store.UpdateAsync(job, stopping);
        }

        await FinishAsync(job with { Status = DocumentStatus.Done, Progress = 1, SecondsRemaining = 0 },
            text.Write(translations), stopping);
    }

    /// <summary>
    /// One chunk's outcome, retried while the queue is full (a document can wait; failing it for a burst of
    /// interactive requests would not be fair to it); <see langword="null"/> when the service is stopping, so the job
    /// stays unfinished and resumes at the next start.
    /// </summary>
    private async Task<TranslationOutcome?> TranslateChunkAsync(TranslationCommand command, CharactersDone progress,
        CancellationToken stopping)
    {
        while (true)
        {
            var outcome = await translation.TranslateAsync(command, stopping, progress);
            switch (outcome.Error?.Kind)
            {
                case TranslationErrorKind.Overloaded:
                    await Task.Delay(outcome.Error.RetryAfter ?? TimeSpan.FromSeconds(1), time, stopping);
                    continue;
                case TranslationErrorKind.Stopping or TranslationErrorKind.Cancelled:
                    return null;
                default:
                    return outcome;
            }
        }
    }

    private async Task FinishAsync(DocumentJob job, byte[]? translated, CancellationToken stopping)
    {
        if (translated is null)
        {
            log.LogWarning("Document {DocumentId} failed: {Error}", job.Id, job.ErrorMessage);
            await store.UpdateAsync(job, stopping);
        }
        else
        {
            await store.CompleteAsync(job, translated, stopping);
        }
    }

    /// <summary>
    /// Whole paragraphs, up to <see cref="ChunkCharacters"/> per chunk (a longer paragraph goes alone), as the first
    /// paragraph's index and the count, so that each paragraph's marks travel with it.
    /// </summary>
    private static IEnumerable<(int Start, int Count)> Chunks(IReadOnlyList<string> paragraphs)
    {
        var start = 0;
        var characters = 0;
        for (var i = 0; i < paragraphs.Count; i++)
        {
            if (i > start && characters + paragraphs[i].Length > ChunkCharacters)
            {
                yield return (start, i - start);
                start = i;
                characters = 0;
            }

            characters += paragraphs[i].Length;
        }

        if (paragraphs.Count > start)
        {
            yield return (start, paragraphs.Count - start);
        }
    }

    /// <summary>Source characters of the finished sentences; told on the scheduler's thread, so it only counts.</summary>
    private sealed class CharactersDone : ITranslationProgress
    {
        private long _characters;

        public long Characters => Interlocked.Read(ref _characters);

        public void Accepted()
        {
        }

        public void Sentence(SentenceTranslated sentence) => Interlocked.Add(ref _characters, sentence.Source.Length);
    }
}
