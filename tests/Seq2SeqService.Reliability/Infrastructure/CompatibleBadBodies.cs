using System.Text;

namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>
/// Every field of every LibreTranslate and DeepL endpoint given each of <see cref="BadBodies"/>' values (empty
/// arrays, objects, nulls, numbers, hostile strings), beside an otherwise valid body, as JSON. The field an API
/// answers errors in: <c>error</c> for LibreTranslate, <c>message</c> for DeepL.
/// </summary>
public static class CompatibleBadBodies
{
    private static readonly (string Path, string Valid, string[] Fields, string ErrorField)[] Endpoints =
    [
        ("/translate", "\"q\": \"Hello.\", \"source\": \"en\", \"target\": \"fr\"",
            ["q", "source", "target", "format", "api_key", "alternatives"], "error"),
        ("/detect", "\"q\": \"Hello.\"", ["q", "api_key"], "error"),
        ("/v2/translate", "\"text\": [\"Hello.\"], \"target_lang\": \"FR\"",
            ["text", "target_lang", "source_lang", "tag_handling", "split_sentences", "formality", "auth_key"], "message"),
        ("/v2/languages", "\"type\": \"target\"", ["type", "auth_key"], "message"),
        ("/v2/usage", "\"auth_key\": \"x\"", ["auth_key"], "message"),
    ];

    public static IReadOnlyList<(FuzzCase Case, string ErrorField)> Generate()
    {
        var cases = new List<(FuzzCase, string)>();
        foreach (var (path, valid, fields, errorField) in Endpoints)
        {
            foreach (var field in fields)
            {
                // The field replaced when the valid body has it, added when it does not.
                var others = string.Join(", ", valid.Split(", ").Where(member => !member.StartsWith($"\"{field}\"", StringComparison.Ordinal)));
                foreach (var value in BadBodies.Values)
                {
                    var body = others.Length == 0 ? $"{{\"{field}\": {value}}}" : $"{{{others}, \"{field}\": {value}}}";
                    cases.Add((new FuzzCase($"compatible {field}", path, "application/json", Encoding.UTF8.GetBytes(body)), errorField));
                }
            }
        }

        return cases;
    }
}
