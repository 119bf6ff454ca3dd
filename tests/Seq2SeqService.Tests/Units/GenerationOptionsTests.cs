using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Seq2SeqService.Application;
using Seq2SeqService.Input;

namespace Seq2SeqService.Tests.Units;

/// <summary>
/// The generation options are declared once, on <see cref="GenerationOptions"/>; the parser, the serializer
/// (and so Swagger), the engine mapping and the API docs must all agree with that declaration.
/// </summary>
public sealed class GenerationOptionsTests
{
    private static readonly GenerationOptions EveryOptionSet = new()
    {
        MaxNewTokens = 7,
        NumBeams = 1,
        DoSample = true,
        Temperature = 0.5,
        TopK = 3,
        TopP = 0.25,
        Seed = 9,
        LengthPenalty = 0.75,
        NoRepeatNgramSize = 2,
        RepeatGuardSize = 4,
        RepetitionPenalty = 1.5,
        NumReturnSequences = 2,
        ReturnAttention = true,
        TimeoutMs = 500,
        SplitSentences = "nonewlines",
        ReturnScores = true,
    };

    // return_attention and return_scores ask for outputs, timeout_ms for a deadline and split_sentences for a way to
    // cut the texts, not for generation settings: the engine mapping leaves them out.
    private static readonly string[] NotForTheEngine =
    [
        nameof(GenerationOptions.ReturnAttention), nameof(GenerationOptions.TimeoutMs),
        nameof(GenerationOptions.SplitSentences), nameof(GenerationOptions.ReturnScores),
    ];

    private static readonly PropertyInfo[] Declared = [.. typeof(GenerationOptions).GetProperties()];

    private static readonly PropertyInfo[] EngineSettings = [.. Declared.Where(p => !NotForTheEngine.Contains(p.Name))];

    [Fact]
    public void The_parser_reads_exactly_the_fields_the_serializer_writes()
    {
        var contract = JsonSerializerOptions.Default.GetTypeInfo(typeof(GenerationOptions)).Properties.Select(p => p.Name);

        TranslateInput.OptionFields.Select(f => f.Name).Should().Equal(contract);
        TranslateInput.OptionFields.Should().HaveCount(16);
    }

    [Fact]
    public void Parsing_a_serialized_options_object_gives_it_back()
    {
        var json = JsonSerializer.SerializeToElement(EveryOptionSet);
        var errors = new Dictionary<string, string[]>();

        var parsed = TranslateInput.ReadOptions(new JsonFields(json, "options.", errors));

        errors.Should().BeEmpty();
        parsed.Should().BeEquivalentTo(EveryOptionSet);
    }

    [Fact]
    public void Every_option_reaches_the_engine_settings_and_comes_back_from_them()
    {
        var defaults = new GenerationSettings { MaxNewTokens = 20, EosTokenId = 0, DecoderStartTokenId = 1, VocabSize = 100, MaxNewTokensLimit = 64 };
        var settingsProperties = typeof(GenerationSettings).GetProperties().Select(p => p.Name);
        var engineOptions = typeof(Seq2Seq.Inference.Generation.GenerationOptions).GetProperties().Select(p => p.Name);

        EngineSettings.Select(p => p.Name).Should().BeSubsetOf(settingsProperties).And.BeSubsetOf(engineOptions);
        GenerationOptions.From(EveryOptionSet.ApplyTo(defaults)).Should().BeEquivalentTo(EveryOptionSet,
            o => o.Excluding(x => x.ReturnAttention).Excluding(x => x.TimeoutMs).Excluding(x => x.SplitSentences)
                .Excluding(x => x.ReturnScores));
    }

    [Fact]
    public void Every_option_is_documented_for_swagger()
    {
        var docs = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "Seq2SeqService.xml"));
        var documented = docs.Descendants("member")
            .Where(m => m.Element("summary") is { } summary && summary.Value.Trim().Length > 0)
            .Select(m => m.Attribute("name")!.Value)
            .ToHashSet();

        Declared.Select(p => $"P:{typeof(GenerationOptions).FullName}.{p.Name}").Should().BeSubsetOf(documented);
    }
}
