using System.Text.Json;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.HuggingFace;

/// <summary>
/// Loads a Hugging Face tokenizer.json. Supported: models Unigram and BPE (without dropout); normalizers Precompiled, NFC, NFD, NFKC,
/// NFKD, Replace, Strip, Lowercase, Prepend and Sequence; pre-tokenizers Metaspace (alone or after WhitespaceSplit) and
/// ByteLevel; decoders Metaspace, ByteLevel, Replace, ByteFallback, Fuse, Strip and Sequence; post-processors
/// TemplateProcessing, RobertaProcessing, ByteLevel and a Sequence of them. Anything else is
/// rejected at load with a <see cref="NotSupportedException"/> naming the component.
/// </summary>
public static class TokenizerJson
{
    public static HuggingFaceTokenizer Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return FromJson(document.RootElement);
    }

    public static HuggingFaceTokenizer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    private static HuggingFaceTokenizer FromJson(JsonElement root)
    {
        var model = ParseModel(Required(root, "model"));
        var normalizer = Optional(root, "normalizer") is { } n ? ParseNormalizer(n) : null;
        var preTokenizer = Optional(root, "pre_tokenizer") is { } p ? ParsePreTokenizer(p) : null;
        var decoder = Optional(root, "decoder") is { } d ? ParseDecoder(d) : null;
        var template = Optional(root, "post_processor") is { } post ? ParsePostProcessor(post) : [TemplatePart.Text];
        var added = Optional(root, "added_tokens") is { } list
            ? list.EnumerateArray().Select(ParseAddedToken).ToList()
            : [];
        return new HuggingFaceTokenizer(added, normalizer, preTokenizer, model, decoder, template);
    }

    private static ITokenModel ParseModel(JsonElement model)
    {
        var type = TypeOf(model, "model", "Unigram");
        return type switch
        {
            "Unigram" => ParseUnigram(model),
            "BPE" => ParseBpe(model),
            _ => throw Unsupported("model", type),
        };
    }

    private static UnigramModel ParseUnigram(JsonElement model)
    {
        var vocab = Required(model, "vocab").EnumerateArray()
            .Select(entry => (entry[0].GetString()!, entry[1].GetDouble()))
            .ToList();
        int? unkId = Optional(model, "unk_id") is { } unk ? unk.GetInt32() : null;
        var byteFallback = Optional(model, "byte_fallback")?.GetBoolean() ?? false;
        return new UnigramModel(vocab, unkId, byteFallback);
    }

    private static BpeModel ParseBpe(JsonElement model)
    {
        if (Optional(model, "dropout") is { } dropout && dropout.GetDouble() != 0)
        {
            throw Unsupported("BPE", "dropout");
        }

        var vocab = Required(model, "vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var merges = Required(model, "merges").EnumerateArray().Select(ParseMerge).ToList();
        return new BpeModel(
            vocab,
            merges,
            Optional(model, "unk_token")?.GetString(),
            Optional(model, "continuing_subword_prefix")?.GetString(),
            Optional(model, "end_of_word_suffix")?.GetString(),
            Optional(model, "fuse_unk")?.GetBoolean() ?? false,
            Optional(model, "byte_fallback")?.GetBoolean() ?? false,
            Optional(model, "ignore_merges")?.GetBoolean() ?? false);
    }

    /// <summary>A merge is "left right" in older files and ["left", "right"] in newer ones.</summary>
    private static (string, string) ParseMerge(JsonElement merge)
    {
        if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }

        return SplitMerge(merge.GetString() ?? string.Empty);
    }

    /// <summary>"left right", as tokenizer.json's older files and merges.txt write a merge.</summary>
    internal static (string, string) SplitMerge(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space == text.LastIndexOf(' ')
            ? (text[..space], text[(space + 1)..])
            : throw new InvalidDataException($"BPE merge '{text}' is not two tokens.");
    }

    private static ITextNormalizer ParseNormalizer(JsonElement element)
    {
        var type = TypeOf(element, "normalizer");
        return type switch
        {
            "Sequence" => new SequenceNormalizer(
                Required(element, "normalizers").EnumerateArray().Select(ParseNormalizer).ToList()),
            "Precompiled" => new PrecompiledNormalizer(
                PrecompiledCharsMap.FromBlob(Convert.FromBase64String(
                    Required(element, "precompiled_charsmap").GetString() ?? string.Empty))
                ?? throw new InvalidDataException("tokenizer.json Precompiled normalizer has an empty charsmap.")),
            "NFC" => new UnicodeNormalizer(UnicodeForm.Nfc),
            "NFD" => new UnicodeNormalizer(UnicodeForm.Nfd),
            "NFKC" => new UnicodeNormalizer(UnicodeForm.Nfkc),
            "NFKD" => new UnicodeNormalizer(UnicodeForm.Nfkd),
            "Replace" => ParseReplace(element),
            "Strip" => new StripNormalizer(
                Optional(element, "strip_left")?.GetBoolean() ?? false,
                Optional(element, "strip_right")?.GetBoolean() ?? false),
            "Lowercase" => new LowercaseNormalizer(),
            "Prepend" => new PrependNormalizer(Required(element, "prepend").GetString()!),
            _ => throw Unsupported("normalizer", type),
        };
    }

    private static ReplaceNormalizer ParseReplace(JsonElement element)
    {
        var pattern = Required(element, "pattern");
        var content = Required(element, "content").GetString() ?? string.Empty;
        if (Optional(pattern, "String") is { } literal)
        {
            return new ReplaceNormalizer(literal.GetString(), null, content);
        }

        if (Optional(pattern, "Regex") is { } regex)
        {
            return new ReplaceNormalizer(null, regex.GetString(), content);
        }

        throw new InvalidDataException("tokenizer.json Replace pattern is neither String nor Regex.");
    }

    private static IPreTokenizer ParsePreTokenizer(JsonElement element)
    {
        var type = TypeOf(element, "pre_tokenizer");
        if (type == "Sequence")
        {
            var steps = Required(element, "pretokenizers").EnumerateArray().ToList();
            var types = steps.Select(s => TypeOf(s, "pre_tokenizer")).ToList();
            return types switch
            {
                [_] => ParsePreTokenizer(steps[0]),
                ["WhitespaceSplit", "Metaspace"] => ParseMetaspacePreTokenizer(steps[1], whitespaceSplit: true),
                _ => throw Unsupported("pre_tokenizer", "Sequence of " + string.Join(", ", types)),
            };
        }

        if (type == "ByteLevel")
        {
            return new ByteLevelPreTokenizer(Optional(element, "add_prefix_space")?.GetBoolean() ?? false,
                Optional(element, "use_regex")?.GetBoolean() ?? true);
        }

        return type == "Metaspace" ? ParseMetaspacePreTokenizer(element, whitespaceSplit: false) : throw Unsupported("pre_tokenizer", type);
    }

    private static MetaspacePreTokenizer ParseMetaspacePreTokenizer(JsonElement element, bool whitespaceSplit)
    {
        var (replacement, scheme) = ParseMetaspace(element);
        return new MetaspacePreTokenizer(replacement, scheme, Optional(element, "split")?.GetBoolean() ?? true, whitespaceSplit);
    }

    private static (char Replacement, PrependScheme Scheme) ParseMetaspace(JsonElement element)
    {
        var replacement = Required(element, "replacement").GetString();
        if (replacement is not { Length: 1 })
        {
            throw new InvalidDataException("tokenizer.json Metaspace replacement must be one character.");
        }

        PrependScheme scheme;
        if (Optional(element, "prepend_scheme") is { } prepend)
        {
            scheme = prepend.GetString() switch
            {
                "always" => PrependScheme.Always,
                "first" => PrependScheme.First,
                "never" => PrependScheme.Never,
                var other => throw Unsupported("Metaspace prepend_scheme", other ?? "null"),
            };
        }
        else
        {
            scheme = Optional(element, "add_prefix_space")?.GetBoolean() ?? true ? PrependScheme.Always : PrependScheme.Never;
        }

        return (replacement[0], scheme);
    }

    private static ITokenDecoder ParseDecoder(JsonElement element)
    {
        var type = TypeOf(element, "decoder");
        switch (type)
        {
            case "Sequence":
                return new SequenceDecoder(Required(element, "decoders").EnumerateArray().Select(ParseDecoder).ToList());
            case "Metaspace":
                var (replacement, scheme) = ParseMetaspace(element);
                return new MetaspaceDecoder(replacement, scheme);
            case "Replace":
                return new ReplaceDecoder(ParseReplace(element));
            case "ByteFallback":
                return new ByteFallbackDecoder();
            case "ByteLevel":
                return new ByteLevelDecoder();
            case "Fuse":
                return new FuseDecoder();
            case "Strip":
                var content = Required(element, "content").GetString();
                if (content is not { Length: 1 })
                {
                    throw new InvalidDataException("tokenizer.json Strip decoder content must be one character.");
                }

                return new StripDecoder(content[0], Required(element, "start").GetInt32(), Required(element, "stop").GetInt32());
            default:
                throw Unsupported("decoder", type);
        }
    }

    private static IReadOnlyList<TemplatePart> ParsePostProcessor(JsonElement element)
    {
        var type = TypeOf(element, "post_processor");
        switch (type)
        {
            case "TemplateProcessing":
                return ParseTemplate(element);
            case "RobertaProcessing":
                return [SpecialPart(Required(element, "cls")), TemplatePart.Text, SpecialPart(Required(element, "sep"))];
            // It trims offsets, which the service does not report; the ids are the text's.
            case "ByteLevel":
                return [TemplatePart.Text];
            case "Sequence":
                var adding = Required(element, "processors").EnumerateArray().Select(ParsePostProcessor)
                    .Where(template => template.Count > 1).ToList();
                return adding.Count switch
                {
                    0 => [TemplatePart.Text],
                    1 => adding[0],
                    _ => throw Unsupported("post_processor", "Sequence of several that add tokens"),
                };
            default:
                throw Unsupported("post_processor", type);
        }
    }

    /// <summary>RobertaProcessing's ["&lt;s&gt;", 0]: one special token and its id.</summary>
    private static TemplatePart SpecialPart(JsonElement tokenAndId) =>
        tokenAndId.ValueKind == JsonValueKind.Array && tokenAndId.GetArrayLength() == 2
            ? new TemplatePart([tokenAndId[1].GetInt32()], [tokenAndId[0].GetString()!])
            : throw new InvalidDataException("tokenizer.json RobertaProcessing cls / sep is not [token, id].");

    private static IReadOnlyList<TemplatePart> ParseTemplate(JsonElement element)
    {

        var specials = Optional(element, "special_tokens") is { } map
            ? map.EnumerateObject().ToDictionary(
                p => p.Name,
                p => (Ids: Required(p.Value, "ids").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
                      Tokens: Required(p.Value, "tokens").EnumerateArray().Select(t => t.GetString()!).ToArray()))
            : [];
        var parts = new List<TemplatePart>();
        foreach (var item in Required(element, "single").EnumerateArray())
        {
            if (Optional(item, "Sequence") is not null)
            {
                parts.Add(TemplatePart.Text);
            }
            else if (Optional(item, "SpecialToken") is { } special)
            {
                var name = Required(special, "id").GetString()!;
                var (ids, tokens) = specials.TryGetValue(name, out var found)
                    ? found
                    : throw new InvalidDataException($"tokenizer.json template names special token '{name}' it does not define.");
                parts.Add(new TemplatePart(ids, tokens));
            }
            else
            {
                throw new InvalidDataException("tokenizer.json TemplateProcessing item is neither Sequence nor SpecialToken.");
            }
        }

        return parts;
    }

    private static AddedToken ParseAddedToken(JsonElement element) => new(
        Required(element, "id").GetInt32(),
        Required(element, "content").GetString()!,
        Optional(element, "special")?.GetBoolean() ?? false,
        Optional(element, "normalized")?.GetBoolean() ?? true,
        Optional(element, "lstrip")?.GetBoolean() ?? false,
        Optional(element, "rstrip")?.GetBoolean() ?? false,
        Optional(element, "single_word")?.GetBoolean() ?? false);

    private static string TypeOf(JsonElement element, string component, string? fallback = null) =>
        Optional(element, "type")?.GetString() ?? fallback ??
        throw new InvalidDataException($"tokenizer.json {component} has no type.");

    private static NotSupportedException Unsupported(string component, string type) =>
        new($"tokenizer.json {component} '{type}' is not supported.");

    private static JsonElement Required(JsonElement element, string name) =>
        Optional(element, name) ?? throw new InvalidDataException($"tokenizer.json lacks '{name}'.");

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind != JsonValueKind.Null
            ? value
            : null;
}
