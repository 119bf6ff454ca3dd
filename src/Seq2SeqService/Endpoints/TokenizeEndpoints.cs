using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Seq2SeqService.Catalog;
using Seq2SeqService.Contracts;
using Seq2SeqService.Errors;
using Seq2SeqService.Input;
using Seq2SeqService.Options;

namespace Seq2SeqService.Endpoints;

/// <summary>POST /tokenize.</summary>
public static class TokenizeEndpoints
{
    public static void MapTokenizeEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/tokenize", TokenizeAsync)
            .WithName("Tokenize")
            .WithTags("Debugging")
            .Accepts<TokenizeRequest>("application/json")
            .Produces<TokenizeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Shows how the source tokenizer splits a text.</summary>
    /// <remarks>Returns the token ids and pieces the encoder would receive, end-of-sequence included.</remarks>
    public static async Task<Results<Ok<TokenizeResponse>, ValidationProblem, ProblemHttpResult>> TokenizeAsync(HttpContext context, IModelCatalog catalog,
        IOptions<RequestLimitsOptions> limits)
    {
        var (root, problem) = await JsonBody.ReadObjectAsync(context.Request, limits.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var fields = new JsonFields(root, "", new Dictionary<string, string[]>());
        fields.RejectUnknown("text", "model");
        var text = fields.String("text");
        if (string.IsNullOrEmpty(text) && !fields.Errors.ContainsKey("text"))
        {
            fields.Add("text", "is required and must not be empty.");
        }
        else if (text?.Length > limits.Value.MaxTextLength)
        {
            fields.Add("text", $"has {text.Length} characters; at most {limits.Value.MaxTextLength} are allowed.");
        }

        var model = ModelSelection.Resolve(catalog, fields.String("model"), fields.Errors);
        if (fields.Errors.Count > 0 || model is null || text is null)
        {
            return Problems.InvalidFields(fields.Errors);
        }

        var tokens = model.Tokenize(text);
        return TypedResults.Ok(new TokenizeResponse(model.Name, tokens.Ids, tokens.Pieces));
    }
}
