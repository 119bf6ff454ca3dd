using Microsoft.AspNetCore.Mvc;
using Seq2SeqService.Application;
using Seq2SeqService.Auth;
using Seq2SeqService.Documents;
using Seq2SeqService.Endpoints.Compatible;
using Seq2SeqService.Errors;

namespace Seq2SeqService.Endpoints.DeepL;

/// <summary>DeepL's document translation: upload, status, result (docs/documents.md).</summary>
public static class DeepLDocumentEndpoints
{
    public static void MapDeepLDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/document", UploadAsync)
            .WithName("DeepLDocumentUpload")
            .WithTags("DeepL")
            .WithGroupName(DeepLEndpoints.Group)
            .RequireApiKey(DeepLDialect.Document)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<DeepLDocumentHandle>()
            .Produces<DeepLError>(StatusCodes.Status400BadRequest)
            .Produces<DeepLError>(StatusCodes.Status403Forbidden)
            .Produces<DeepLError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<DeepLError>(StatusCodes.Status429TooManyRequests)
            .Produces<DeepLError>(DeepLDialect.QuotaExceededStatus);
        app.MapPost("/v2/document/{document_id}", StatusAsync)
            .WithName("DeepLDocumentStatus")
            .WithTags("DeepL")
            .WithGroupName(DeepLEndpoints.Group)
            .RequireApiKey(DeepLDialect.Unbilled, metered: false)
            .Produces<DeepLDocumentStatus>()
            .Produces<DeepLError>(StatusCodes.Status403Forbidden)
            .Produces<DeepLError>(StatusCodes.Status404NotFound);
        app.MapPost("/v2/document/{document_id}/result", ResultAsync)
            .WithName("DeepLDocumentResult")
            .WithTags("DeepL")
            .WithGroupName(DeepLEndpoints.Group)
            .RequireApiKey(DeepLDialect.Unbilled, metered: false)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces<DeepLError>(StatusCodes.Status403Forbidden)
            .Produces<DeepLError>(StatusCodes.Status404NotFound)
            .Produces<DeepLError>(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Uploads a document to translate (DeepL API v2).</summary>
    /// <remarks>
    /// Multipart: <c>file</c>, <c>target_lang</c>, optional <c>source_lang</c> (detected when omitted), <c>filename</c>
    /// (names the format instead of the file's own name) and <c>output_format</c> (only the input's own). Formats:
    /// txt, srt, md, docx, xlsx, pptx, html, odt, odp, epub. The document's translated characters are charged to the key's quota now.
    /// Errors: 400 bad input or unsupported format, 403 key, 413 file too large, 456 quota.
    /// </remarks>
    public static async Task<IResult> UploadAsync(HttpContext context, DocumentWorker worker)
    {
        var upload = await DocumentUploads.ReadAsync(context);
        var fields = await DialectHelpers.FieldsAsync(context);
        if (upload.Problem is { } refused)
        {
            return DeepLDialect.Error(upload.Status, refused);
        }

        var target = fields.Get("target_lang");
        if (string.IsNullOrWhiteSpace(target))
        {
            return DeepLDialect.Error(StatusCodes.Status400BadRequest, "Parameter 'target_lang' not specified.");
        }

        if (fields.Get("output_format") is { Length: > 0 } output && !output.Equals(upload.Format!.Name, StringComparison.OrdinalIgnoreCase))
        {
            return DeepLDialect.Error(StatusCodes.Status400BadRequest,
                $"Value for 'output_format' not supported: '{Echo.Truncate(output)}'; a .{upload.Format.Name} document is returned as .{upload.Format.Name}.");
        }

        try
        {
            var source = fields.Get("source_lang") is { Length: > 0 } given ? DeepLLanguageCodes.ToModel(given) : null;
            var (model, from, to) = DocumentUploads.ResolvePair(context, upload, source, DeepLLanguageCodes.ToModel(target));
            var job = await DocumentUploads.SubmitAsync(context, worker, upload, model, from, to, DeepLEndpoints.Group);
            return TypedResults.Ok(new DeepLDocumentHandle(job.Id, job.Key));
        }
        catch (TranslationFailedException e)
        {
            return TranslationErrorStatus.Answer(context, e.Error, status => DeepLDialect.Error(status, e.Message));
        }
    }

    /// <summary>Where a document's translation stands (DeepL API v2).</summary>
    /// <remarks><c>document_key</c> as a form or JSON field. 403 wrong key, 404 unknown, downloaded or expired.</remarks>
    public static async Task<IResult> StatusAsync(HttpContext context, [FromRoute(Name = "document_id")] string id, IDocumentStore store)
    {
        var (job, refused) = await FindAsync(context, id, store);
        if (job is null)
        {
            return refused!;
        }

        return TypedResults.Ok(new DeepLDocumentStatus(job.Id, job.Status.ToString().ToLowerInvariant(),
            job.Status is DocumentStatus.Translating ? job.SecondsRemaining : null,
            job.Status is DocumentStatus.Done ? job.BilledCharacters : null,
            job.Status is DocumentStatus.Error ? job.ErrorMessage : null));
    }

    /// <summary>The translated document, deleted once sent (DeepL API v2).</summary>
    /// <remarks><c>document_key</c> as a form or JSON field. 403 wrong key, 404 unknown, downloaded or expired, 503 not done yet.</remarks>
    public static async Task<IResult> ResultAsync(HttpContext context, [FromRoute(Name = "document_id")] string id, IDocumentStore store)
    {
        var (job, refused) = await FindAsync(context, id, store);
        if (job is null)
        {
            return refused!;
        }

        switch (job.Status)
        {
            case DocumentStatus.Error:
                return TranslationErrorStatus.Answer(context, new TranslationError(job.ErrorKind ?? TranslationErrorKind.Failed, job.ErrorMessage ?? ""),
                    status => DeepLDialect.Error(status, job.ErrorMessage ?? "The document could not be translated."));
            case not DocumentStatus.Done:
                context.Response.Headers.RetryAfter = RetryAfter.Seconds(TimeSpan.FromSeconds(job.SecondsRemaining ?? 1));
                return DeepLDialect.Error(StatusCodes.Status503ServiceUnavailable, "Document translation is not done yet; poll its status.");
        }

        if (await store.ReadTranslationAsync(job.Id, context.RequestAborted) is not { } translated)
        {
            return NotFound();
        }

        await store.DeleteAsync(job.Id, context.RequestAborted);
        return TypedResults.File(translated, DocumentFormat.Named(job.Format)!.MediaType, job.FileName);
    }

    private static async Task<(DocumentJob? Job, IResult? Refused)> FindAsync(HttpContext context, string id, IDocumentStore store)
    {
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return (null, DeepLDialect.Error(fields.ErrorStatus, unreadable));
        }

        if (!DocumentJob.IsId(id) || await store.GetAsync(id, context.RequestAborted) is not { } job)
        {
            return (null, NotFound());
        }

        return fields.Get("document_key") is not { Length: > 0 } key
            ? (null, DeepLDialect.Error(StatusCodes.Status400BadRequest, "Parameter 'document_key' not specified."))
            : job.HasKey(key)
                ? (job, null)
                : (null, DeepLDialect.Error(StatusCodes.Status403Forbidden, "Wrong document_key for this document."));
    }

    private static IResult NotFound() => DeepLDialect.Error(StatusCodes.Status404NotFound, "Document not found.");
}
