using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>
/// A service over scripted models for English→xx, French→xx and French→English (each "translation" is the
/// text marked <c>&lt;0&gt;</c>), and the three body encodings the compatible APIs accept.
/// </summary>
public static class CompatibleHost
{
    public static ServiceFactory Create(IReadOnlyDictionary<string, string?>? settings = null) =>
        ScriptedService.Create(settings, null,
            new ScriptedModel("en-xx"),
            new ScriptedModel("fr-xx", source: "fr"),
            new ScriptedModel("fr-en", source: "fr", target: "en"));

    public static HttpContent Json(object body) => JsonContent.Create(body);

    public static HttpContent Form(params (string Name, string Value)[] fields) =>
        new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    public static HttpContent Multipart(params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value, Encoding.UTF8), name);
        }

        return content;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAndReadAsync(
        this HttpClient client, HttpMethod method, string path, HttpContent? content = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAndReadAsync(
        this HttpClient client, string path, HttpContent content, params (string Name, string Value)[] headers) =>
        client.SendAndReadAsync(HttpMethod.Post, path, content, headers);

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
