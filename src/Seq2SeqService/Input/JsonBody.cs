using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Seq2SeqService.Errors;

namespace Seq2SeqService.Input;

/// <summary>
/// Reads a JSON request body with every check a client can fail reported as a problem response: content type
/// (415), size (413), emptiness, UTF-8, JSON syntax and strings that do not decode to UTF-16 (400). Bodies are read by hand rather than bound so
/// that each of these gets a precise <c>detail</c>.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };

    /// <summary>The body's root object, or the problem to answer with.</summary>
    public static async Task<(JsonElement Root, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, long maxBytes)
    {
        if (!IsJson(request.ContentType))
        {
            return (default, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as application/json (UTF-8); got '{Echo.Truncate(request.ContentType ?? "no Content-Type")}'."));
        }

        var (bytes, tooLarge) = await ReadBoundedAsync(request, maxBytes);
        if (tooLarge)
        {
            // The rest of the body stays unread and the server drops the connection after answering; saying so
            // keeps the client from sending its next request on a connection about to close.
            request.HttpContext.Response.Headers.Connection = "close";
            return (default, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"The request body exceeds {maxBytes} bytes."));
        }

        var json = bytes.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (default, Problems.BadRequest("The request body is empty; send a JSON object."));
        }

        if (FirstInvalidUtf8Byte(json.Span) is { } offset)
        {
            return (default, Problems.BadRequest($"The request body is not valid UTF-8 (invalid byte at offset {offset})."));
        }

        try
        {
            using var document = JsonDocument.Parse(json, ParseOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, Problems.BadRequest(
                    $"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}."));
            }

            if (JsonStrings.FirstInvalid(document.RootElement) is { } field)
            {
                return (default, Problems.InvalidField(field, JsonStrings.Problem));
            }

            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest($"The request body is not valid JSON: {e.Message}"));
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
                     type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var charset = media.Charset.Value;
        return isJson && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) ||
                          charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<(byte[] Bytes, bool TooLarge)> ReadBoundedAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return ([], true);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return ([], true);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.ToArray(), false);
    }

    private static int? FirstInvalidUtf8Byte(ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(4096);
        try
        {
            var offset = 0;
            while (offset < bytes.Length)
            {
                var status = Utf8.ToUtf16(bytes[offset..], chars, out var read, out _, replaceInvalidSequences: false);
                offset += read;
                if (status is System.Buffers.OperationStatus.InvalidData or System.Buffers.OperationStatus.NeedMoreData)
                {
                    return offset;
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
