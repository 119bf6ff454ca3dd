using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seq2SeqService.Catalog;
using Seq2SeqService.Tests.Compatible;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Documents;

/// <summary>
/// A service over the scripted English→xx model (or, when asked, the default English→French bundle) whose document
/// store is a folder of the test's own, and the document calls as DeepL's and LibreTranslate's clients make them.
/// </summary>
public sealed class DocumentHost : IDisposable
{
    private readonly bool _ownsFolder;

    public DocumentHost(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null, string? folder = null,
        BatchGate? gate = null, bool defaultModel = false)
    {
        _ownsFolder = folder is null;
        Folder = folder ?? Directory.CreateTempSubdirectory("documents-test-").FullName;
        var all = new Dictionary<string, string?> { ["Service:Documents:Folder"] = Folder };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Factory = new ServiceFactory(all, services =>
        {
            if (!defaultModel)
            {
                services.RemoveAll<IModelCatalog>();
                IModelCatalog catalog = new ScriptedCatalog(new ScriptedModel("en-xx"));
                services.AddSingleton(gate is null ? catalog : gate.Wrap(catalog));
            }

            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
            }
        });
    }

    public string Folder { get; }

    public ServiceFactory Factory { get; }

    public HttpClient Client => Factory.CreateClient();

    public static MultipartFormDataContent Upload(string fileName, byte[] file, params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(part, "file", fileName);
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value, Encoding.UTF8), name);
        }

        return content;
    }

    public static MultipartFormDataContent Upload(string fileName, string text, params (string Name, string Value)[] fields) =>
        Upload(fileName, Encoding.UTF8.GetBytes(text), fields);

    /// <summary>Uploads through DeepL's call; the id and key, or fails the test.</summary>
    public Task<(string Id, string Key)> DeepLUploadAsync(string fileName, string text, params (string Name, string Value)[] headers) =>
        DeepLUploadAsync(fileName, Encoding.UTF8.GetBytes(text), "XX", headers);

    public async Task<(string Id, string Key)> DeepLUploadAsync(string fileName, byte[] file, string targetLang,
        params (string Name, string Value)[] headers)
    {
        var (status, body, _) = await Client.PostAndReadAsync("/v2/document", Upload(fileName, file, ("target_lang", targetLang)), headers);
        status.Should().Be(HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("document_id").GetString()!, body.GetProperty("document_key").GetString()!);
    }

    /// <summary>Polls DeepL's status call, as deepl-node does, until the job is done or failed (bounded by a deadline).</summary>
    public async Task<JsonElement> DeepLFinishedAsync(string id, string key, params (string Name, string Value)[] headers)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, body, _) = await Client.PostAndReadAsync($"/v2/document/{id}", CompatibleHost.Form(("document_key", key)), headers);
            status.Should().Be(HttpStatusCode.OK, body.ToString());
            if (body.GetProperty("status").GetString() is "done" or "error")
            {
                return body;
            }

            deadline.IsCancellationRequested.Should().BeFalse("the document should be translated within the deadline");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>A whole DeepL round trip: upload, poll, download; the downloaded bytes as UTF-8, a byte-order mark kept.</summary>
    public async Task<string> DeepLTranslateAsync(string fileName, string text) =>
        Encoding.UTF8.GetString(await DeepLTranslateAsync(fileName, Encoding.UTF8.GetBytes(text), "XX"));

    /// <summary>A whole DeepL round trip: upload, poll, download; the downloaded bytes.</summary>
    public async Task<byte[]> DeepLTranslateAsync(string fileName, byte[] file, string targetLang)
    {
        var (id, key) = await DeepLUploadAsync(fileName, file, targetLang);
        var finished = await DeepLFinishedAsync(id, key);
        finished.GetProperty("status").GetString().Should().Be("done", finished.ToString());
        var response = await Client.PostAsync($"/v2/document/{id}/result", CompatibleHost.Form(("document_key", key)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public void Dispose()
    {
        Factory.Dispose();
        if (_ownsFolder)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
