using Seq2Seq.Tokenizers.HuggingFace;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>
/// Rewriting the post-processor's special token, as multilingual bundles write a source's language: on the
/// NLLB-layout tokenizer.json of tests/fixtures/tiny-nllb, whose template is `eng_Latn $A &lt;/s&gt;`.
/// </summary>
public class TemplateTokenTests
{
    private static readonly HuggingFaceTokenizer Tokenizer = TokenizerJson.Load(
        Path.Combine(Fixtures.RepositoryRootPath, "tests", "fixtures", "tiny-nllb", "tokenizer.json"));

    [Fact]
    public void The_template_token_is_replaced_and_nothing_else_changes()
    {
        const string text = "Je ne sais pas ce que tu veux dire.";

        var french = Tokenizer.WithTemplateToken("eng_Latn", "fra_Latn");

        Tokenizer.TemplateTokens.Should().Equal("eng_Latn", "</s>");
        french.TemplateTokens.Should().Equal("fra_Latn", "</s>");
        french.Encode(text).Pieces[0].Should().Be("fra_Latn");
        french.Encode(text).Ids[0].Should().Be(Tokenizer.TokenToId("fra_Latn"));
        french.Encode(text).Ids[1..].Should().Equal(Tokenizer.Encode(text).Ids[1..]);
        Tokenizer.Encode(text).Pieces[0].Should().Be("eng_Latn", "the original is left as it was");
        french.Decode(french.Encode(text).Ids).Should().Be(text);
    }

    [Fact]
    public void Unknown_tokens_are_refused()
    {
        ((Action)(() => Tokenizer.WithTemplateToken("deu_Latn", "fra_Latn"))).Should().Throw<ArgumentException>().WithMessage("*deu_Latn*");
        ((Action)(() => Tokenizer.WithTemplateToken("eng_Latn", "deu_Latn"))).Should().Throw<ArgumentException>().WithMessage("*deu_Latn*");
    }

    [Fact]
    public void The_special_tokens_include_the_language_codes()
    {
        Tokenizer.SpecialTokens.Should().Contain(["eng_Latn", "fra_Latn", "hin_Deva", "<mask>", "</s>"]);
    }
}
