using Seq2Seq.Inference.Bundles;
using Xunit.Abstractions;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// Speculative decoding with the bundle's int8 graphs as the draft changes no output: 200 sentences, each
/// alone, give token for token what plain greedy search gives, while the model takes fewer decoder calls
/// than it generates tokens (the draft's guesses were checked several per call). A flip is accepted only
/// at a near tie (a call over several positions may round differently from single steps), and reported.
/// With the draft guessing alongside, its guesses ahead run to their end each step, so which of them later
/// steps use does not depend on thread timing.
/// </summary>
[Collection(ModelCollection.Name)]
public class SpeculativeDecodingTests(LoadedModels models, ITestOutputHelper output)
{
    private static readonly string[] Sentences = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "sentences.en.txt"));

    [Theory]
    [InlineData(1, 64, false, false)]
    [InlineData(4, 64, false, false)]
    [InlineData(16, 64, false, false)]
    [InlineData(4, 3, false, false)]
    [InlineData(2, 64, true, true)]
    [InlineData(4, 64, true, true)]
    [InlineData(16, 64, true, true)]

    // A first step that takes 5 tokens leaves room for one guess: the draft forgets the others it made ahead.
    [InlineData(4, 7, true, null)]
    public void Speculative_greedy_equals_plain_greedy_in_fewer_decoder_calls(int draftTokens, int maxNewTokens, bool alongside, bool? carries)
    {
        var model = models[RepoPaths.DefaultBundle];
        var draft = new DraftModel(models[RepoPaths.DefaultBundle, ModelVariant.Quantized].Runner, draftTokens);
        var settings = model.Settings(new GenerationOptions { NumBeams = 1, MaxNewTokens = maxNewTokens });
        int tokens = 0, calls = 0, carried = 0;
        var flips = new List<string>();
        foreach (var sentence in Sentences)
        {
            var request = new GenerationRequest(model.EncodeSource(sentence), settings);
            var plain = model.Generate([request])[0];
            using var cohort = GenerationCohort.Start(model.Runner, [request], draft);
            cohort.DraftAlongside = alongside;
            cohort.LetDraftAheadFinish = alongside;
            while (!cohort.IsCompleted)
            {
                cohort.Step();
            }

            var speculative = cohort.Result(0)!;
            carried += cohort.GuessesCarried;
            tokens += speculative.OutputTokens;
            calls += speculative.DecoderSteps;
            var (a, b) = (plain.Sequences[0], speculative.Sequences[0]);
            if (a.TokenIds.SequenceEqual(b.TokenIds))
            {
                b.Score.Should().BeApproximately(a.Score, NearTie.Tolerance, sentence);
                b.FinishReason.Should().Be(a.FinishReason, sentence);
                continue;
            }

            var margin = NearTie.Margin(model.Runner, settings, request.SourceIds.ToArray(), a.TokenIds, b.TokenIds);
            flips.Add($"\"{sentence}\": plain [{string.Join(",", a.TokenIds)}] speculative [{string.Join(",", b.TokenIds)}] margin {margin:E2}");
            margin.Should().BeLessThan(NearTie.Tolerance, flips[^1]);
        }

        output.WriteLine($"{tokens} tokens in {calls} decoder calls, {carried} guesses made while the model checked; " + (flips.Count == 0 ? "no differences." : string.Join(Environment.NewLine, flips)));
        calls.Should().BeLessThan(tokens, "the draft's guesses are checked several per call");
        if (carries == true)
        {
            carried.Should().BeGreaterThan(0, "steps start with guesses the draft made while the model checked the last ones");
        }
        else if (carries == false)
        {
            carried.Should().Be(0);
        }

        if (draftTokens >= 4 && maxNewTokens > 3)
        {
            calls.Should().BeLessThan(tokens / 2, "the int8 draft agrees with the float model on most tokens");
        }
    }

    /// <summary>
    /// A request whose row stops running alone (another joins the batch) goes on with single steps from
    /// where the draft left it, and both decode as they do alone.
    /// </summary>
    [Fact]
    public void A_lone_row_that_others_join_continues_without_the_draft()
    {
        var model = models[RepoPaths.DefaultBundle];
        var draft = new DraftModel(models[RepoPaths.DefaultBundle, ModelVariant.Quantized].Runner, 4);
        var settings = model.Settings(new GenerationOptions { NumBeams = 1, MaxNewTokens = 64 });
        var first = new GenerationRequest(model.EncodeSource(Sentences[3]), settings);
        var second = new GenerationRequest(model.EncodeSource(Sentences[4]), settings);

        using var cohort = GenerationCohort.Start(model.Runner, [first], draft);
        cohort.Step();
        cohort.Step();
        cohort.CanAdmit.Should().BeTrue();
        cohort.Admit([second]);
        while (!cohort.IsCompleted)
        {
            cohort.Step();
        }

        cohort.Result(0)!.Sequences[0].TokenIds.Should().Equal(model.Generate([first])[0].Sequences[0].TokenIds);
        cohort.Result(1)!.Sequences[0].TokenIds.Should().Equal(model.Generate([second])[0].Sequences[0].TokenIds);
    }

    /// <summary>A speculating request cancelled between steps leaves at the next one, its draft stopped and freed.</summary>
    [Fact]
    public void A_cancelled_speculating_request_leaves_at_the_next_step()
    {
        var model = models[RepoPaths.DefaultBundle];
        var draft = new DraftModel(models[RepoPaths.DefaultBundle, ModelVariant.Quantized].Runner, 4);
        using var cancel = new CancellationTokenSource();
        var settings = model.Settings(new GenerationOptions { NumBeams = 1, MaxNewTokens = 64 });
        var request = new GenerationRequest(model.EncodeSource(Sentences[7]), settings, cancel.Token);

        using var cohort = GenerationCohort.Start(model.Runner, [request], draft);
        cohort.DraftAlongside = true;
        cohort.Step().Should().BeEmpty();
        cancel.Cancel();

        cohort.Step().Should().Equal(0);
        cohort.IsCompleted.Should().BeTrue();
        cohort.Result(0)!.Cancelled.Should().BeTrue();
    }

    [Fact]
    public void Beam_search_sampling_and_attention_requests_do_not_use_the_draft()
    {
        var model = models[RepoPaths.DefaultBundle];
        var draft = new DraftModel(models[RepoPaths.DefaultBundle, ModelVariant.Quantized].Runner, 4);
        var source = model.EncodeSource(Sentences[0]);
        GenerationRequest[] requests =
        [
            new(source, model.Settings(new GenerationOptions { NumBeams = 4 })),
            new(source, model.Settings(new GenerationOptions { NumBeams = 1, DoSample = true, Seed = 7 })),
            new(source, model.Settings(new GenerationOptions { NumBeams = 1 })) { ReturnAttention = true },
        ];

        foreach (var request in requests)
        {
            var withDraft = Generator.Generate(model.Runner, [request], draft)[0];
            var without = model.Generate([request])[0];
            withDraft.DecoderSteps.Should().Be(without.DecoderSteps, "each step took its own decoder call");
            withDraft.Sequences[0].TokenIds.Should().Equal(without.Sequences[0].TokenIds);
        }
    }

    [Fact]
    public void Loading_with_a_required_draft_fails_for_a_bundle_that_cannot_check_guesses()
    {
        var load = () => TranslationModel.Load(RepoPaths.Bundle(RepoPaths.RecurrentBundle), draft: DraftUse.Required);
        load.Should().Throw<ModelBundleException>().WithMessage("*Draft = required*");
        using var auto = TranslationModel.Load(RepoPaths.Bundle(RepoPaths.RecurrentBundle), draft: DraftUse.Auto);
        auto.Draft.Should().BeNull();
    }
}
