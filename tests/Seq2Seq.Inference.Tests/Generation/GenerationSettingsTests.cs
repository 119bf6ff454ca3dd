using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Generation;

public class GenerationSettingsTests
{
    private static readonly GenerationSettings Defaults = Scripts.Settings(100) with { NumBeams = 4 };

    public static TheoryData<GenerationOptions, string> Invalid => new()
    {
        { new() { MaxNewTokens = 0 }, "max_new_tokens" },
        { new() { MaxNewTokens = 65 }, "max_new_tokens" },
        { new() { MinLength = -1 }, "min_length" },
        { new() { NumBeams = 0 }, "num_beams" },
        { new() { NumBeams = 17 }, "num_beams" },
        { new() { DoSample = true }, "do_sample" },
        { new() { NumBeams = 1, DoSample = true, Temperature = 0f }, "temperature" },
        { new() { NumBeams = 1, DoSample = true, Temperature = float.NaN }, "temperature" },
        { new() { TopK = -1 }, "top_k" },
        { new() { TopP = 0f }, "top_p" },
        { new() { TopP = 1.5f }, "top_p" },
        { new() { Seed = -3 }, "seed" },
        { new() { LengthPenalty = float.PositiveInfinity }, "length_penalty" },
        { new() { NoRepeatNgramSize = -1 }, "no_repeat_ngram_size" },
        { new() { RepetitionPenalty = 0f }, "repetition_penalty" },
        { new() { NumReturnSequences = 5 }, "num_return_sequences" },
        { new() { NumBeams = 1, NumReturnSequences = 2 }, "num_return_sequences" },
        { new() { NumReturnSequences = 0 }, "num_return_sequences" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Out_of_range_values_name_the_parameter_and_the_allowed_range(GenerationOptions options, string parameter)
    {
        var act = () => Defaults.With(options);

        var error = act.Should().Throw<InvalidGenerationSettingException>().Which;
        error.Parameter.Should().Be(parameter);
        error.Message.Should().StartWith(parameter + " must be ").And.Contain(error.Allowed);
    }

    [Fact]
    public void Overrides_replace_only_the_given_values()
    {
        var resolved = Defaults.With(new GenerationOptions { MaxNewTokens = 20, LengthPenalty = 0.5f, NumReturnSequences = 3 });

        resolved.MaxNewTokens.Should().Be(20);
        resolved.LengthPenalty.Should().Be(0.5f);
        resolved.NumReturnSequences.Should().Be(3);
        resolved.NumBeams.Should().Be(4);
        resolved.BadWordIds.Should().Equal(Scripts.Start);
    }

    [Fact]
    public void Sampling_may_return_several_sequences_without_beams()
    {
        var resolved = Defaults.With(new GenerationOptions { NumBeams = 1, DoSample = true, NumReturnSequences = 5, Seed = 1 });

        resolved.DoSample.Should().BeTrue();
        resolved.NumReturnSequences.Should().Be(5);
    }
}
