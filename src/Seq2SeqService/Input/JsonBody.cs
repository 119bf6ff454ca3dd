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

        var read = await ParseAsync(request, maxBytes);
        return read.Problem switch
        {
            null => (read.Root, null),
            _ when read.InvalidField is { } field => (default, Problems.InvalidField(field, JsonStrings.Problem)),
            _ when read.Status == StatusCodes.Status413PayloadTooLarge => (default,
                Problems.Create(read.Status, "Payload too large", read.Problem)),
            _ => (default, Problems.BadRequest(read.Problem)),
        };
    }

    /// <summary>
    /// The body's root object, or why there is none; read and parsed once per request and kept on its features, so
    /// the shared-route policy, the key and quota checks and the endpoint all see the same parse of the same bytes.
    /// The caller has checked that the body claims to be JSON.
    /// </summary>
    public static async Task<JsonBodyRead> ParseAsync(HttpRequest request, long maxBytes)
    {
        if (request.HttpContext.Features.Get<JsonBodyRead>() is { } parsed)
        {
            return parsed;
        }

        parsed = await ReadAndParseAsync(request, maxBytes);
        request.HttpContext.Features.Set(parsed);
        return parsed;
    }

    private static async Task<JsonBodyRead> ReadAndParseAsync(HttpRequest request, long maxBytes)
    {
        var (bytes, tooLarge) = await ReadBoundedAsync(request, maxBytes);
        if (tooLarge)
        {
            // The rest of the body stays unread and the server drops the connection after answering; saying so
            // keeps the client from sending its next request on a connection about to close.
            request.HttpContext.Response.Headers.Connection = "close";
            return JsonBodyRead.Refused($"The request body exceeds {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        // Skipped, not refused: clients that write a byte order mark mean the text after it, which is also what is billed.
        var json = bytes.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return JsonBodyRead.Refused("The request body is empty; send a JSON object.");
        }

        if (FirstInvalidUtf8Byte(json.Span) is { } offset)
        {
            return JsonBodyRead.Refused($"The request body is not valid UTF-8 (invalid byte at offset {offset}).");
        }

        try
        {
            using var document = JsonDocument.Parse(json, ParseOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JsonBodyRead.Refused(
                    $"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
            }

            if (JsonStrings.FirstInvalid(document.RootElement) is { } field)
            {
                return JsonBodyRead.Refused($"{field} {JsonStrings.Problem}") with { InvalidField = field };
            }

            return new JsonBodyRead(document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return JsonBodyRead.Refused($"The request body is not valid JSON: {e.Message}");
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

    /// <summary>application/json or a +json type, in UTF-8 (no charset, or utf-8).</summary>
    public static bool IsJson(string? contentType)
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

/// <summary>A JSON body's root object, or the problem that kept it from being read.</summary>
/// <param name="Root">The root object; default when there is a problem.</param>
/// <param name="Problem">What is wrong with the body, for the client; null when it was read.</param>
/// <param name="Status">The problem's status: 413 for a body over the limit, else 400.</param>
/// <param name="InvalidField">The path of the string that does not decode to UTF-16, when that was the problem.</param>
public sealed record JsonBodyRead(JsonElement Root, string? Problem, int Status = StatusCodes.Status400BadRequest,
    string? InvalidField = null)
{
    public static JsonBodyRead Refused(string problem, int status = StatusCodes.Status400BadRequest) =>
        new(default, problem, status);
}
