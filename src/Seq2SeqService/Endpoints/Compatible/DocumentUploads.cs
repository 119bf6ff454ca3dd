using System.Text;
using Microsoft.Extensions.Options;
using Seq2SeqService.Auth;
using Seq2SeqService.Documents;
using Seq2SeqService.Application;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>An uploaded file, read and cut into paragraphs, or why it cannot be translated.</summary>
/// <param name="File">The bytes as uploaded.</param>
/// <param name="FileName">The client's name for it, made safe to send back.</param>
/// <param name="Format">Its format, by extension.</param>
/// <param name="Text">What is kept and what is translated.</param>
/// <param name="Status">When refused: 400, or 413 for a file over <see cref="DocumentOptions.MaxFileBytes"/>.</param>
/// <param name="Problem">When refused: why, for the client.</param>
public sealed record DocumentUpload(byte[]? File, string FileName, DocumentFormat? Format, TranslatableDocument? Text,
    int Status = StatusCodes.Status200OK, string? Problem = null);

/// <summary>
/// The multipart upload both compatible APIs take (the file in <c>file</c>), read once per request and kept on its
/// features: the quota stage bills the document's characters before the endpoint runs, and the endpoint submits it.
/// </summary>
public static class DocumentUploads
{
    private const int MaxFileNameLength = 200;

    /// <summary>The upload, named by its <c>filename</c> field (DeepL's) when given, else by the file's own name.</summary>
    public static async Task<DocumentUpload> ReadAsync(HttpContext context)
    {
        if (context.Features.Get<DocumentUpload>() is { } read)
        {
            return read;
        }

        var upload = await ReadFileAsync(context);
        context.Features.Set(upload);
        return upload;
    }

    /// <summary>Characters the document's paragraphs hold; none for a file that will be refused.</summary>
    public static async ValueTask<long> BillableCharactersAsync(HttpContext context) =>
        (await ReadAsync(context)).Text?.Characters ?? 0;

    /// <summary>
    /// The model for <paramref name="source"/> (detected from the document's text when <see langword="null"/>) →
    /// <paramref name="target"/>, and the pair as the model names it.
    /// </summary>
    /// <exception cref="TranslationFailedException">No model for the pair.</exception>
    public static (string Model, string Source, string Target) ResolvePair(HttpContext context, DocumentUpload upload,
        string? source, string target)
    {
        var translator = context.RequestServices.GetRequiredService<CompatibleTranslator>();
        var (model, resolvedSource, _) = translator.Resolve(() => string.Join("\n", upload.Text!.Paragraphs), source, target);
        return (model, resolvedSource, LanguagePairs.Normalize(target));
    }

    /// <summary>
    /// Submits a read <paramref name="upload"/> for a resolved <paramref name="model"/> and, when the caller named one
    /// (<see cref="ResolvePair"/>), the pair it is to translate, owned by the request's caller.
    /// </summary>
    /// <exception cref="TranslationFailedException">The store cannot take the document.</exception>
    public static async Task<DocumentJob> SubmitAsync(HttpContext context, DocumentWorker worker, DocumentUpload upload,
        string model, string? sourceLanguage, string? targetLanguage, string api)
    {
        try
        {
            return await worker.SubmitAsync(
                new DocumentRequest(upload.File!, upload.FileName, upload.Format!, upload.Text!, model,
                    (ApiCaller.Of(context) ?? ApiCaller.Anonymous).Name, api, sourceLanguage, targetLanguage),
                context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or failing volume is the service's trouble, not the caller's: a 503 they can retry, and the
            // operator gets the stack trace.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DocumentUploads))
                .LogError(e, "The document store could not take an upload");
            throw new TranslationFailedException(new TranslationError(TranslationErrorKind.Overloaded,
                "The service cannot store documents right now; retry later.", RetryAfter: StoreRetryAfter));
        }
    }

    /// <summary>How long a caller waits before retrying an upload the store refused.</summary>
    private static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>The supported extensions with their dots, as LibreTranslate lists them.</summary>
    public static IReadOnlyList<string> Extensions => DocumentFormat.All.Select(f => "." + f.Name).ToList();

    private static async Task<DocumentUpload> ReadFileAsync(HttpContext context)
    {
        var fields = await DialectHelpers.FieldsAsync(context);
        if (fields.Error is { } unreadable)
        {
            return new DocumentUpload(null, "", null, null, fields.ErrorStatus, unreadable);
        }

        var file = context.Request.HasFormContentType ? context.Request.Form.Files.GetFile("file") : null;
        if (file is null)
        {
            return Refused(StatusCodes.Status400BadRequest, "Parameter 'file' not specified: send the document as a multipart/form-data file field named 'file'.");
        }

        var name = SafeName(fields.Get("filename") ?? file.FileName);
        var format = DocumentFormat.OfFileName(name);
        if (format is null)
        {
            var extension = Path.GetExtension(name);
            return Refused(StatusCodes.Status400BadRequest,
                $"File type '{(extension.Length > 0 ? extension : name)}' is not supported; supported: {DocumentFormat.Supported}.");
        }

        var limits = context.RequestServices.GetRequiredService<IOptions<DocumentOptions>>().Value;
        var max = limits.MaxFileBytes;
        if (file.Length > max)
        {
            return Refused(StatusCodes.Status413PayloadTooLarge, $"The document has {file.Length} bytes; at most {max} are accepted.");
        }

        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes, context.RequestAborted);
        var content = bytes.ToArray();
        try
        {
            return new DocumentUpload(content, name, format, format.Parse(content, limits));
        }
        catch (DocumentRejectedException e)
        {
            return Refused(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>
    /// The base name of what the client called the file, without path, control or quoting characters: it is only
    /// ever sent back (Content-Disposition), never used as a path, and must not be able to break a header either.
    /// </summary>
    private static string SafeName(string raw)
    {
        var name = raw.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var safe = new StringBuilder();
        foreach (var c in name.Where(c => !char.IsControl(c) && c is not ('"' or ':' or '*' or '?' or '<' or '>' or '|')))
        {
            safe.Append(c);
        }

        var result = safe.ToString().Trim().TrimStart('.');
        return result.Length > MaxFileNameLength ? result[^MaxFileNameLength..] : result;
    }

    private static DocumentUpload Refused(int status, string problem) => new(null, "", null, null, status, problem);
}
