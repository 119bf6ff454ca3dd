using System.Text.Json;
using static Seq2SeqService.Tests.Compatible.CompatibleHost;

namespace Seq2SeqService.Tests.Compatible;

/// <summary>Each API has its own OpenAPI document; POST /translate is in the native and the LibreTranslate one.</summary>
public sealed class CompatibleOpenApiTests
{
    [Theory]
    [InlineData("v1", "post /translate,post /tokenize,get /models")]
    [InlineData("libretranslate", "post /translate,get /languages,post /detect,post /translate_file,get /download_file/{name},get /frontend/settings")]
    [InlineData("deepl", "post /v2/translate,get /v2/languages,post /v2/languages,get /v2/usage,post /v2/usage,post /v2/document,post /v2/document/{document_id},post /v2/document/{document_id}/result")]
    public async Task Every_endpoint_is_in_its_apis_document(string document, string expected)
    {
        using var factory = Create();

        var json = await factory.CreateClient().GetStringAsync($"/swagger/{document}/swagger.json");

        var operations = JsonDocument.Parse(json).RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name} {path.Name}"))
            .ToList();
        operations.Should().Contain(expected.Split(','));
        if (document != "deepl")
        {
            operations.Should().NotContain(o => o.Contains("/v2/"));
        }
    }

    [Fact]
    public async Task LibreTranslate_translate_documents_form_and_multipart_bodies_and_its_error_shape()
    {
        using var factory = Create();

        var json = await factory.CreateClient().GetStringAsync("/swagger/libretranslate/swagger.json");

        var translate = JsonDocument.Parse(json).RootElement.GetProperty("paths").GetProperty("/translate").GetProperty("post");
        translate.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name)
            .Should().BeEquivalentTo(["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
        translate.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().Contain(["200", "400", "403", "429"]);
    }
}
