using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Seq2SeqService.Errors;
using Seq2SeqService.Input;

namespace Seq2SeqService.Endpoints.Compatible;

/// <summary>
/// A request's parameters as LibreTranslate and DeepL clients send them — query string plus a JSON object,
/// <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> body — as named lists of strings.
/// Read once per request and kept on its features: body sniffing, key checks and endpoints share it. A JSON body
/// is <see cref="JsonBody.ParseAsync"/>'s one parse, which the native endpoint reads too.
/// </summary>
public sealed class RequestFields
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lists = new(StringComparer.Ordinal);
    private readonly List<string> _invalid = [];

    private RequestFields()
    {
    }

    /// <summary>Why the body could not be read, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// The status that <see cref="Error"/> deserves: 413 for a body over the size limit, 415 for a body in a charset or
    /// media type this service does not read, 400 otherwise.
    /// </summary>
    public int ErrorStatus { get; private set; } = StatusCodes.Status400BadRequest;

    /// <summary>
    /// The body is declared as a form this service can parse (url-encoded, or multipart with a boundary), whether or not
    /// reading it then succeeded: only the compatible APIs take forms.
    /// </summary>
    public bool IsForm { get; private set; }

    /// <summary>JSON members that are objects or arrays of non-strings.</summary>
    public IReadOnlyList<string> Invalid => _invalid;

    public bool Has(string name) => _values.ContainsKey(name) || _invalid.Contains(name);

    /// <summary>The field's first value; <see langword="null"/> when absent (an empty JSON array is absent too).</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary>Every value of a repeated form field or JSON array.</summary>
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>Whether the field came as a JSON array (LibreTranslate answers arrays with arrays).</summary>
    public bool IsList(string name) => _lists.Contains(name);

    /// <summary>The first of <paramref name="scalars"/> that came as a JSON array (empty or not), or <see langword="null"/>.</summary>
    public string? FirstList(params string[] scalars) => scalars.FirstOrDefault(_lists.Contains);

    public static async Task<RequestFields> ReadAsync(HttpContext context, long maxBodyBytes)
    {
        if (context.Features.Get<RequestFields>() is { } read)
        {
            return read;
        }

        var fields = new RequestFields();
        foreach (var (name, values) in context.Request.Query)
        {
            fields.AddAll(name, values.OfType<string>());
        }

        await fields.ReadBodyAsync(context.Request, maxBodyBytes);
        context.Features.Set(fields);
        return fields;
    }

    private async Task ReadBodyAsync(HttpRequest request, long maxBodyBytes)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return;
        }

        if (request.ContentLength > maxBodyBytes)
        {
            Error = $"The request body exceeds {maxBodyBytes} bytes.";
            ErrorStatus = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        IsForm = request.HasFormContentType &&
                 (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media) ||
                  !media.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ||
                  !StringSegment.IsNullOrEmpty(media.Boundary));
        if (UnreadableCharset(request.ContentType) is { } charset)
        {
            Error = $"The body's charset '{Echo.Truncate(charset)}' is not supported; send UTF-8.";
            ErrorStatus = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        try
        {
            if (request.HasFormContentType)
            {
                foreach (var (name, values) in await request.ReadFormAsync(request.HttpContext.RequestAborted))
                {
                    AddAll(name, values.OfType<string>());
                }
            }
            else if (JsonBody.IsJson(request.ContentType))
            {
                await ReadJsonAsync(request, maxBodyBytes);
            }
            else
            {
                Error = $"Send the parameters as JSON, application/x-www-form-urlencoded or multipart/form-data; got '{Echo.Truncate(request.ContentType ?? "no Content-Type")}'.";
                ErrorStatus = StatusCodes.Status415UnsupportedMediaType;
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException or OperationCanceledException)
        {
            Error = $"The request body could not be read: {e.Message}";
        }
    }

    private async Task ReadJsonAsync(HttpRequest request, long maxBodyBytes)
    {
        var read = await JsonBody.ParseAsync(request, maxBodyBytes);
        if (read.Problem is not null)
        {
            Error = read.Problem;
            ErrorStatus = read.Status;
            return;
        }

        foreach (var member in read.Root.EnumerateObject())
        {
            AddJson(member.Name, member.Value);
        }
    }

    private void AddJson(string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return;
            case JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                _lists.Add(name);
                _values.Remove(name);
                AddAll(name, value.EnumerateArray().Select(v => v.GetString()!));
                return;
            case JsonValueKind.String:
                AddAll(name, [value.GetString()!]);
                return;
            case JsonValueKind.True or JsonValueKind.False:
                AddAll(name, [value.GetBoolean() ? "true" : "false"]);
                return;
            case JsonValueKind.Number:
                AddAll(name, [value.GetRawText()]);
                return;
            default:
                _invalid.Add(name);
                return;
        }
    }

    private void AddAll(string name, IEnumerable<string> values)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            list = [];
            _values[name] = list;
        }

        list.AddRange(values);
        if (list.Count == 0)
        {
            _values.Remove(name);
        }
    }

    /// <summary>
    /// A charset named by the Content-Type that .NET cannot decode (UTF-7 has been refused since .NET 5): the form
    /// reader would throw on it.
    /// </summary>
    private static string? UnreadableCharset(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.Charset.Value is not { Length: > 0 } charset)
        {
            return null;
        }

        try
        {
            System.Text.Encoding.GetEncoding(charset.Trim('"'));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return charset;
        }
    }
}
