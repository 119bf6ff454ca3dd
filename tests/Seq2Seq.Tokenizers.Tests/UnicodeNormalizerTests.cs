using Seq2Seq.Tokenizers.HuggingFace;

namespace Seq2Seq.Tokenizers.Tests;

/// <summary>The NFC / NFKC normalizers against Python's unicodedata (lines.nfc.txt, lines.nfkc.txt).</summary>
public class UnicodeNormalizerTests
{
    [Theory]
    [InlineData("Nfc", "lines.nfc.txt", 2)]
    [InlineData("Nfkc", "lines.nfkc.txt", 20)]
    public void Matches_python_unicodedata_on_every_line(string form, string reference, int minimumChanged)
    {
        var lines = Fixtures.ReadLines("lines.txt");
        var expected = Fixtures.ReadLines(reference);
        var normalizer = new UnicodeNormalizer(Enum.Parse<UnicodeForm>(form));
        var changed = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            normalizer.Normalize(lines[i]).Should().Be(expected[i], $"line {i + 1}");
            changed += lines[i] == expected[i] ? 0 : 1;
        }

        changed.Should().BeGreaterThanOrEqualTo(minimumChanged, "the fixture must exercise the normalizer");
    }

    [Theory]
    [InlineData("e\u0301", "Nfc", "\u00e9")]
    [InlineData("\u00e9", "Nfd", "e\u0301")]
    [InlineData("\u1100\u1161\u11a8", "Nfc", "\uac01")]
    [InlineData("\uac01", "Nfd", "\u1100\u1161\u11a8")]
    [InlineData("a\u0323\u0301\u0300", "Nfd", "a\u0323\u0301\u0300")]
    [InlineData("a\u0301\u0323", "Nfc", "\u1ea1\u0301")]
    [InlineData("\ufb01\u2460\uff21", "Nfkd", "fi1A")]
    [InlineData("\u2126", "Nfc", "\u03a9")]
    public void Handles_composition_ordering_and_hangul(string input, string form, string expected) =>
        new UnicodeNormalizer(Enum.Parse<UnicodeForm>(form)).Normalize(input).Should().Be(expected);
}
