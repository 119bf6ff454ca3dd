using System.Text.Json;
using Seq2SeqService.Contracts;
using Seq2SeqService.Options;

namespace Seq2SeqService.Input;

/// <summary>Reads and checks the shape of a POST /translate body; model-specific checks come later.</summary>
public static class TranslateInput
{
    private static readonly string[] Fields = ["text", "texts", "model", "options"];

    private static readonly string[] OptionFields =
    [
        "max_new_tokens", "num_beams", "do_sample", "temperature", "top_k", "top_p", "seed", "length_penalty",
        "no_repeat_ngram_size", "repetition_penalty", "num_return_sequences",
    ];

    /// <summary>The request, or the field errors (keyed by JSON path) that make it unusable.</summary>
    public static (TranslateRequest Request, IDictionary<string, string[]> Errors) Read(JsonElement root,
        RequestLimitsOptions limits)
    {
        var fields = new JsonFields(root, "", new Dictionary<string, string[]>());
        fields.RejectUnknown(Fields);
        var request = new TranslateRequest
        {
            Text = fields.String("text"),
            Texts = fields.StringArray("texts"),
            Model = fields.String("model"),
            Options = fields.Object("options") is { } options ? ReadOptions(options) : null,
        };
        CheckTexts(request, fields, limits);
        if (request.Options is { } o)
        {
            CheckServiceLimits(o, fields, limits);
        }

        return (request, fields.Errors);
    }

    /// <summary>The texts in request order (one for the <c>text</c> form).</summary>
    public static IReadOnlyList<string> TextsOf(TranslateRequest request) =>
        request.Text is { } text ? [text] : request.Texts ?? [];

    private static GenerationOptions ReadOptions(JsonFields options)
    {
        options.RejectUnknown(OptionFields);
        return new GenerationOptions
        {
            MaxNewTokens = options.Int("max_new_tokens"),
            NumBeams = options.Int("num_beams"),
            DoSample = options.Bool("do_sample"),
            Temperature = options.Number("temperature"),
            TopK = options.Int("top_k"),
            TopP = options.Number("top_p"),
            Seed = options.Long("seed"),
            LengthPenalty = options.Number("length_penalty"),
            NoRepeatNgramSize = options.Int("no_repeat_ngram_size"),
            RepetitionPenalty = options.Number("repetition_penalty"),
            NumReturnSequences = options.Int("num_return_sequences"),
        };
    }

    private static void CheckTexts(TranslateRequest request, JsonFields fields, RequestLimitsOptions limits)
    {
        if (fields.Errors.ContainsKey("text") || fields.Errors.Keys.Any(k => k.StartsWith("texts", StringComparison.Ordinal)))
        {
            return;
        }

        switch (request.Text, request.Texts)
        {
            case (null, null):
                fields.Add("text", "is required: send \"text\" (one string) or \"texts\" (an array of strings).");
                return;
            case (not null, not null):
                fields.Add("texts", "cannot be combined with \"text\"; send one of them.");
                return;
            case (null, { Count: 0 }):
                fields.Add("texts", "must contain at least one text.");
                return;
            case (null, { } texts) when texts.Count > limits.MaxTexts:
                fields.Add("texts", $"has {texts.Count} entries; at most {limits.MaxTexts} are allowed per request.");
                return;
        }

        var many = request.Texts is not null;
        var all = TextsOf(request);
        for (var i = 0; i < all.Count; i++)
        {
            var name = many ? $"texts[{i}]" : "text";
            if (string.IsNullOrWhiteSpace(all[i]))
            {
                fields.Add(name, "must not be empty or whitespace.");
            }
            else if (all[i].Length > limits.MaxTextLength)
            {
                fields.Add(name, $"has {all[i].Length} characters; at most {limits.MaxTextLength} are allowed.");
            }
        }
    }

    private static void CheckServiceLimits(GenerationOptions options, JsonFields fields, RequestLimitsOptions limits)
    {
        if (options.NumBeams is < 1 || options.NumBeams > limits.MaxBeams)
        {
            fields.Add("options.num_beams", $"must be an integer in [1, {limits.MaxBeams}] on this service.");
        }
    }

    /// <summary>
    /// <c>max_new_tokens</c> against the smaller of the service's limit and the model's, once the model is known,
    /// so every refusal names the bound that applies.
    /// </summary>
    public static void CheckMaxNewTokens(TranslateRequest request, int modelLimit, RequestLimitsOptions limits,
        IDictionary<string, string[]> errors)
    {
        var limit = Math.Min(modelLimit, limits.MaxNewTokens);
        if (request.Options?.MaxNewTokens is { } asked && (asked < 1 || asked > limit))
        {
            errors.TryAdd("options.max_new_tokens", [$"must be an integer in [1, {limit}] for this model on this service."]);
        }
    }
}
