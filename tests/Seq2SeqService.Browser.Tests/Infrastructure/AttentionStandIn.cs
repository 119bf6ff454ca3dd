using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Catalog;

namespace Seq2SeqService.Browser.Tests.Infrastructure;

/// <summary>
/// A deterministic attention source for the page's heatmap while the service itself returns none (the
/// recurrent model's issue adds it): /models marks every model as returning attention, and a /translate
/// that asks for it gets, beside the real translation, weights computed from the source's real pieces and
/// the translation's words — each target word peaking on the source position in the same relative place,
/// every row summing to 1.
/// </summary>
public sealed class AttentionStandIn : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextStage) =>
        {
            var path = context.Request.Path;
            if (path == "/models")
            {
                await RewriteAnswerAsync(context, nextStage, body =>
                {
                    foreach (var model in body["models"]!.AsArray())
                    {
                        model!["attention"] = true;
                    }
                });
                return;
            }

            if (path != "/translate" || !await TakeAttentionRequestAsync(context.Request))
            {
                await nextStage(context);
                return;
            }

            var catalog = context.RequestServices.GetRequiredService<IModelCatalog>();
            var source = context.Items[SourceText] as string ?? "";
            await RewriteAnswerAsync(context, nextStage, body =>
            {
                var model = catalog.TryGet(body["model"]!.GetValue<string>(), out var named) ? named : catalog.Default;
                foreach (var translation in body["translations"]!.AsArray())
                {
                    translation!["attention"] = Attention(model.Tokenize(source).Pieces,
                        [.. translation["text"]!.GetValue<string>().Split(' ').Select(w => "\u2581" + w), "</s>"]);
                }
            });
        });
        next(app);
    };

    private const string SourceText = "attention-stand-in.source";

    /// <summary>Removes <c>options.return_attention</c> (unknown to the service) and says whether it was true.</summary>
    private static async Task<bool> TakeAttentionRequestAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var body = JsonNode.Parse(text) as JsonObject;
        var options = body?["options"] as JsonObject;
        var asked = options?["return_attention"]?.GetValue<bool>() == true;
        options?.Remove("return_attention");
        request.HttpContext.Items[SourceText] = body?["text"]?.GetValue<string>();
        var forwarded = Encoding.UTF8.GetBytes(body?.ToJsonString() ?? text);
        request.Body = new MemoryStream(forwarded);
        request.ContentLength = forwarded.Length;
        return asked;
    }

    private static async Task RewriteAnswerAsync(HttpContext context, RequestDelegate nextStage, Action<JsonObject> change)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        await nextStage(context);
        context.Response.Body = original;

        var answer = buffer.ToArray();
        if (context.Response.StatusCode == StatusCodes.Status200OK)
        {
            var body = JsonNode.Parse(answer)!.AsObject();
            change(body);
            answer = JsonSerializer.SerializeToUtf8Bytes(body);
        }

        context.Response.ContentLength = answer.Length;
        await original.WriteAsync(answer);
    }

    private static JsonObject Attention(IReadOnlyList<string> sources, IReadOnlyList<string> targets)
    {
        var weights = new JsonArray();
        for (var i = 0; i < targets.Count; i++)
        {
            var peak = targets.Count == 1 ? 0 : (double)i * (sources.Count - 1) / (targets.Count - 1);
            var raw = sources.Select((_, j) => Math.Exp(-1.5 * Math.Abs(j - peak))).ToArray();
            var sum = raw.Sum();
            weights.Add(new JsonArray([.. raw.Select(w => (JsonNode)JsonValue.Create(Math.Round(w / sum, 4)))]));
        }

        return new JsonObject
        {
            ["source_tokens"] = new JsonArray([.. sources.Select(s => (JsonNode)JsonValue.Create(s)!)]),
            ["target_tokens"] = new JsonArray([.. targets.Select(t => (JsonNode)JsonValue.Create(t)!)]),
            ["weights"] = weights,
        };
    }
}
