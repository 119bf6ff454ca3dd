using System.Text;
using System.Text.Json;

namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>One generated request: where it goes, its content type and its raw body.</summary>
public sealed record FuzzCase(string Kind, string Path, string? ContentType, byte[] Body);

/// <summary>
/// A deterministic corpus of bad (and borderline) request bodies: wrong types in every field, hostile strings
/// (lone surrogates, invalid UTF-8, control characters, text of no letters), numeric extremes, deep nesting,
/// limits just crossed, wrong content types, and random byte mutations of valid bodies.
/// </summary>
public static class BadBodies
{
    private static readonly string[] Paths = ["/translate", "/tokenize"];

    private static readonly string[] Fields = ["text", "texts", "model", "options"];

    private static readonly string[] OptionNames =
    [
        "max_new_tokens", "num_beams", "do_sample", "temperature", "top_k", "top_p", "seed", "length_penalty",
        "no_repeat_ngram_size", "repetition_penalty", "num_return_sequences",
    ];

    /// <summary>JSON values of every kind and edge, as raw JSON text.</summary>
    internal static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "1e309", "-1e309", "1e-400", "99999999999999999999999",
        "2147483648", "-2147483649", "9223372036854775808", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\udc00\\ud800\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\u202e\\u200b\\ufeff\"", "[]", "{}", "[null]",
        "[1, \"a\"]", "[\"\\ud800\"]", "{\"a\": {\"b\": {}}}", "\"NaN\"", "\"Infinity\"", "\"1\"", "\"true\"",
        "\". . . . . . . .\"", "\"!!!???...\"", "\"\\n\\t\\r\"", "\"é\\u0301\\u0301\\u0301\"",
    ];

    public static IReadOnlyList<FuzzCase> Generate(int seed, int mutations)
    {
        var random = new Random(seed);
        var cases = new List<FuzzCase>();
        foreach (var path in Paths)
        {
            foreach (var field in Fields)
            {
                foreach (var value in Values)
                {
                    cases.Add(Json("wrong-type", path, $"{{\"text\": \"Hello.\", \"{field}\": {value}}}"));
                    cases.Add(Json("wrong-type-alone", path, $"{{\"{field}\": {value}}}"));
                }
            }
        }

        foreach (var option in OptionNames)
        {
            foreach (var value in Values)
            {
                cases.Add(Json("option", "/translate", $"{{\"text\": \"Hello.\", \"options\": {{\"{option}\": {value}}}}}"));
            }
        }

        cases.AddRange(Shapes());
        cases.AddRange(Encodings());
        var valid = ValidBodies();
        for (var i = 0; i < mutations; i++)
        {
            var source = valid[random.Next(valid.Count)];
            cases.Add(new FuzzCase("mutation", Paths[random.Next(Paths.Length)], "application/json", Mutate(source, random)));
        }

        return cases;
    }

    private static FuzzCase Json(string kind, string path, string json) =>
        new(kind, path, "application/json", Encoding.UTF8.GetBytes(json));

    private static IEnumerable<FuzzCase> Shapes()
    {
        yield return Json("shape", "/translate", "");
        yield return Json("shape", "/translate", "null");
        yield return Json("shape", "/translate", "[]");
        yield return Json("shape", "/translate", "\"text\"");
        yield return Json("shape", "/translate", "{\"text\": \"a\"} {\"text\": \"b\"}");
        yield return Json("shape", "/translate", "{\"text\": \"a\", \"text\": \"b\"}");
        yield return Json("shape", "/translate", "{\"text\": \"a\",}");
        yield return Json("shape", "/translate", "{\"text\": \"a\" /* comment */}");
        yield return Json("shape", "/translate", new string('[', 5000) + new string(']', 5000));
        yield return Json("shape", "/translate", "{\"options\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 40)) + "1" +
                                                 new string('}', 41));
        yield return Json("shape", "/translate", JsonSerializer.Serialize(Enumerable.Range(0, 2000).ToDictionary(i => $"k{i}", i => i)));
        yield return Json("limits", "/translate", JsonSerializer.Serialize(new { texts = Enumerable.Repeat("Hi.", 5000).ToArray() }));
        yield return Json("limits", "/translate", JsonSerializer.Serialize(new { text = new string('a', 100_000) }));
        yield return Json("limits", "/translate", JsonSerializer.Serialize(new { text = string.Concat(Enumerable.Repeat(". ", 5000)) }));
        yield return Json("limits", "/translate", JsonSerializer.Serialize(new { text = string.Concat(Enumerable.Repeat("word ", 2000)) }));
        yield return Json("limits", "/translate", JsonSerializer.Serialize(new { text = "Hello.", model = new string('m', 100_000) }));
        yield return Json("limits", "/tokenize", JsonSerializer.Serialize(new { text = new string('a', 100_000) }));
        yield return Json("limits", "/translate", "{\"text\": \"" + new string('a', 2_000_000) + "\"}");
    }

    private static IEnumerable<FuzzCase> Encodings()
    {
        yield return new FuzzCase("encoding", "/translate", "application/json", [0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [.. "{\"text\": \""u8, 0xC0, 0xAF, .. "\"}"u8]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [.. "{\"text\": \""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [.. "{\"text\": \""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}"u8]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [.. "{\"text\": \"a"u8, 0xE2, 0x82]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. "{}"u8]);
        yield return new FuzzCase("encoding", "/translate", "application/json", [.. "{\"text\": \"a\u0001\u001f\"}"u8]);
        foreach (var type in new[] { null, "text/plain", "application/json; charset=latin1", "application/xml", "multipart/form-data", "application/json; charset=\"", "*/*", "application/json;;;" })
        {
            yield return new FuzzCase("content-type", "/translate", type, "{\"text\": \"Hello.\"}"u8.ToArray());
        }
    }

    private static List<byte[]> ValidBodies() =>
    [
        "{\"text\": \"The cat is sleeping on the sofa.\"}"u8.ToArray(),
        "{\"texts\": [\"Where is the station?\", \"I like tea.\"], \"options\": {\"num_beams\": 2, \"max_new_tokens\": 8}}"u8.ToArray(),
        "{\"text\": \"Hello.\", \"model\": \"marian-tatoeba-en-fr\", \"options\": {\"do_sample\": true, \"top_k\": 5, \"seed\": 3}}"u8.ToArray(),
    ];

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = source.ToList();
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 3:
                    bytes.Insert(at, "\"{}[]:,\\"u8[random.Next(8)]);
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }
}
