using Seq2SeqService.Application;
using Seq2SeqService.Auth;
using Seq2SeqService.Catalog;
using Seq2SeqService.Contracts;
using Seq2SeqService.Documents;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;
using Seq2SeqService.Metrics;

namespace Seq2SeqService.Endpoints;

/// <summary>The native API's document translation: upload, status, result (docs/documents.md#native-api).</summary>
public static class DocumentEndpoints
{
    private const string KeyHeader = "X-Document-Key";

    public static void MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/documents").WithTags("Documents");
        documents.MapPost("", UploadAsync)
            .WithName("DocumentUpload")
            .RequireApiKey(NativeDialect.Document)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<DocumentHandle>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // Reading a job translates nothing: neither billed nor counted against the request rate.
        var reads = documents.MapGroup("/{id}").RequireApiKey(NativeDialect.Unbilled, metered: false)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("", StatusAsync).WithName("DocumentStatus").Produces<DocumentStatusResponse>();
        reads.MapGet("/result", ResultAsync)
            .WithName("DocumentResult")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static readonly (string Old, string New)[] RenamedFields = [("source", "source_language"), ("target", "target_language")];

    /// <summary>Uploads a document to translate in the background.</summary>
    /// <remarks>
    /// Multipart: <c>file</c> (a format of <c>DocumentFormat.All</c>, docs/documents.md), and either <c>model</c> (a
    /// loaded model's name) or <c>target_language</c> with an optional <c>source_language</c> (language codes, named as
    /// the text API names them; the source is detected when omitted or <c>auto</c>); with none of them, the default
    /// model. The first form's <c>source</c> and <c>target</c> are a 400 naming the fields that replace them. Answers 202 with the job's id, its document key and where to follow it. The document's translated
    /// characters are charged to the key's quota now. Errors (problem+json): 400 bad input or unsupported format, 401
    /// key, 413 file too large, 429 rate or quota, 503 the store cannot take it (retry after Retry-After).
    /// </remarks>
    public static async Task<IResult> UploadAsync(HttpContext context, DocumentWorker worker, IModelCatalog catalog)
    {
        var upload = await DocumentUploads.ReadAsync(context);
        var fields = await DialectHelpers.FieldsAsync(context);
        if (upload.Problem is { } refused)
        {
            return Problems.Create(upload.Status, "Document refused", refused);
        }

        // The first form's names are refused, not ignored: a target dropped unseen would translate into the default model's language.
        var renamed = RenamedFields.Where(f => fields.Get(f.Old) is not null)
            .ToDictionary(f => f.Old, f => new[] { $"is not a field of POST /documents; its name is {f.New}." });
        if (renamed.Count > 0)
        {
            return Problems.InvalidFields(renamed);
        }

        try
        {
            (string Model, string? Source, string? Target) pair;
            if (fields.Get("model") is { Length: > 0 } || fields.Get("target_language") is not { Length: > 0 })
            {
                var errors = new Dictionary<string, string[]>();
                if (ModelSelection.Resolve(catalog, fields.Get("model"), errors) is not { } model)
                {
                    return Problems.InvalidFields(errors);
                }

                pair = (model.Name, null, null);
            }
            else
            {
                var source = fields.Get("source_language") is { Length: > 0 } given && !given.Equals("auto", StringComparison.OrdinalIgnoreCase) ? given : null;
                pair = DocumentUploads.ResolvePair(context, upload, source, fields.Get("target_language")!);
            }

            var job = await DocumentUploads.SubmitAsync(context, worker, upload, pair.Model, pair.Source, pair.Target, ServiceMetrics.NativeApi);

            var status = $"{context.Request.PathBase}/documents/{job.Id}";
            return TypedResults.Accepted(status, new DocumentHandle(job.Id, job.Key, "queued", status, $"{status}/result"));
        }
        catch (TranslationFailedException e)
        {
            return TranslationErrorStatus.Answer(context, e.Error, status => Problems.Create(status, "Document refused", e.Message));
        }
    }

    /// <summary>Where a document's translation stands.</summary>
    /// <remarks>
    /// Readable with its document key (<c>X-Document-Key</c> header or <c>?key=</c>), or, on a service with keys, by the
    /// API key that uploaded it; to anyone else the job does not exist (404).
    /// </remarks>
    public static async Task<IResult> StatusAsync(HttpContext context, string id, IDocumentStore store)
    {
        if (await FindAsync(context, id, store) is not { } job)
        {
            return NotFound();
        }

        return TypedResults.Ok(new DocumentStatusResponse(job.Id, job.Status.ToString().ToLowerInvariant(), job.Progress,
            job.Status is DocumentStatus.Translating ? job.SecondsRemaining : null, job.BilledCharacters, job.FileName,
            job.Status is DocumentStatus.Error ? job.ErrorMessage : null));
    }

    /// <summary>The translated document, as often as asked until it expires.</summary>
    /// <remarks>
    /// Readable as its status is. Before it is done: 503 with Retry-After; a failed translation: the status the text
    /// API gives that failure (413, 422 or 503).
    /// </remarks>
    public static async Task<IResult> ResultAsync(HttpContext context, string id, IDocumentStore store)
    {
        if (await FindAsync(context, id, store) is not { } job)
        {
            return NotFound();
        }

        switch (job.Status)
        {
            case DocumentStatus.Error:
                var message = job.ErrorMessage ?? "The document could not be translated.";
                return TranslationErrorStatus.Answer(context, new TranslationError(job.ErrorKind ?? TranslationErrorKind.Failed, message),
                    status => Problems.Create(status, "Document translation failed", message));
            case not DocumentStatus.Done:
                context.Response.Headers.RetryAfter = RetryAfter.Seconds(TimeSpan.FromSeconds(job.SecondsRemaining ?? 1));
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not translated yet",
                    "The document is not translated yet; follow its status.");
        }

        return await store.ReadTranslationAsync(job.Id, context.RequestAborted) is { } translated
            ? TypedResults.File(translated, DocumentFormat.Named(job.Format)!.MediaType, job.FileName)
            : NotFound();
    }

    /// <summary>The job, when the caller may read it: its document key, or the API key that uploaded it.</summary>
    private static async Task<DocumentJob?> FindAsync(HttpContext context, string id, IDocumentStore store)
    {
        if (!DocumentJob.IsId(id) || await store.GetAsync(id, context.RequestAborted) is not { } job)
        {
            return null;
        }

        var key = context.Request.Headers.TryGetValue(KeyHeader, out var header) ? header.ToString() : context.Request.Query["key"].ToString();
        // On an open service every caller is the same anonymous one: only the document key tells them apart.
        var uploader = ApiCaller.Of(context) is { } caller && !ReferenceEquals(caller, ApiCaller.Anonymous) && caller.Name == job.Owner;
        return job.HasKey(key) || uploader ? job : null;
    }

    private static IResult NotFound() => Problems.Create(StatusCodes.Status404NotFound, "Document not found",
        "No document with this id is readable with this key: it is unknown, expired, or another caller's.");
}
