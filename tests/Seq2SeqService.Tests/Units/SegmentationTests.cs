using System.Diagnostics;
using System.Text.Json;
using ICU4N.Globalization;
using ICU4N.Text;
using Seq2SeqService.Application;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

public sealed class SegmentationTests
{
    /// <summary>Texts and their sentences, hand-labelled: abbreviations, decimals, quotes, ellipses, lists, CJK, Devanagari.</summary>
    private static readonly string[][] Corpus = JsonSerializer.Deserialize<string[][]>(
        File.ReadAllText(Path.Combine(Bundles.RepoRoot, "tests", "fixtures", "segmentation", "sentences.json")))!;

    private static readonly Func<int, int?> NoGuard = _ => null;

    public static TheoryData<int> CorpusCases() => [.. Enumerable.Range(0, Corpus.Length)];

    [Theory]
    [MemberData(nameof(CorpusCases))]
    public void Every_labelled_text_splits_into_its_sentences(int index)
    {
        var sentences = Corpus[index];
        TextLayout.Of(string.Join(" ", sentences), SentenceSplitting.All).Sentences.Should().Equal(sentences);
    }

    [Fact]
    public async Task Texts_split_on_many_threads_at_once_split_as_they_do_alone()
    {
        var texts = Corpus.Select(s => string.Join(" ", s)).ToList();
        var alone = texts.Select(t => TextLayout.Of(t, SentenceSplitting.All).Sentences).ToList();
        using var start = new Barrier(8);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var wrong = new List<string>();
            for (var round = 0; round < 40; round++)
            {
                for (var i = 0; i < texts.Count; i++)
                {
                    var index = (i + thread * 7) % texts.Count;
                    try
                    {
                        if (!TextLayout.Of(texts[index], SentenceSplitting.All).Sentences.SequenceEqual(alone[index]))
                        {
                            wrong.Add(texts[index]);
                        }
                    }
                    catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException)
                    {
                        wrong.Add($"{e.GetType().Name}: {texts[index]}");
                    }
                }
            }

            return wrong;
        }, TaskCreationOptions.LongRunning)));

        results.SelectMany(r => r).Should().BeEmpty();
    }

    [Fact]
    public void Icu4n_breaks_the_corpus_where_debians_icu_does()
    {
        // python3-icu (Debian's ICU, another build and version than ICU4N's data) as the independent reference for
        // the breaks our corrections start from.
        var texts = Corpus.Select(s => string.Join(" ", s)).ToList();
        var script = "import icu, json, sys\n" +
                     "out = []\n" +
                     "for t in json.load(sys.stdin):\n" +
                     "    b = icu.BreakIterator.createSentenceInstance(icu.Locale('en@ss=standard'))\n" +
                     "    b.setText(t)\n" +
                     "    out.append([e for e in b])\n" +
                     "print(json.dumps(out))\n";
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        python.StandardInput.Write(JsonSerializer.Serialize(texts));
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        python.ExitCode.Should().Be(0, python.StandardError.ReadToEnd());
        var reference = JsonSerializer.Deserialize<int[][]>(output)!;

        var iterator = BreakIterator.GetSentenceInstance(new UCultureInfo("en@ss=standard"));
        for (var i = 0; i < texts.Count; i++)
        {
            iterator.SetText(texts[i]);
            var ends = new List<int>();
            for (var end = iterator.Next(); end != BreakIterator.Done; end = iterator.Next())
            {
                ends.Add(end);
            }

            ends.Should().Equal(reference[i], texts[i]);
        }
    }

    [Theory]
    [InlineData("- Buy bread.\n- Call mom.", new[] { "Buy bread.", "Call mom." }, new[] { "- ", "\n- ", "" })]
    [InlineData("1. First. 2. Second.", new[] { "First.", "Second." }, new[] { "1. ", " 2. ", "" })]
    [InlineData("  Indented line.\r\n\r\n\tTabbed one!  ", new[] { "Indented line.", "Tabbed one!" }, new[] { "  ", "\r\n\r\n\t", "  " })]
    [InlineData("Title\n\nBody text here. More.", new[] { "Title", "Body text here.", "More." }, new[] { "", "\n\n", " ", "" })]
    [InlineData("a) one\nb) two", new[] { "one", "two" }, new[] { "a) ", "\nb) ", "" })]
    [InlineData("## Heading\n> Quoted text.", new[] { "Heading", "Quoted text." }, new[] { "## ", "\n> ", "" })]
    [InlineData("2024 — 42 !!!", new string[0], new[] { "2024 — 42 !!!" })]
    public void Layout_around_sentences_is_kept_verbatim(string text, string[] sentences, string[] gaps)
    {
        var layout = TextLayout.Of(text, SentenceSplitting.All);

        layout.Sentences.Should().Equal(sentences);
        layout.Gaps.Should().Equal(gaps);
        layout.Rejoin(layout.Sentences).Should().Be(text);
    }

    [Fact]
    public void N_lines_in_give_n_lines_out_whatever_their_line_breaks()
    {
        const string text = "One line.\r\nTwo: no end\nThree. Four.\r\rFive\u2028Six.";
        var layout = TextLayout.Of(text, SentenceSplitting.All);

        var translated = layout.Rejoin([.. layout.Sentences.Select(s => $"[{s.ToUpperInvariant()}]")]);

        translated.Should().Be("[ONE LINE.]\r\n[TWO: NO END]\n[THREE.] [FOUR.]\r\r[FIVE]\u2028[SIX.]");
    }

    [Fact]
    public void Nonewlines_lets_a_sentence_run_across_a_line_break_and_zero_keeps_the_text_whole()
    {
        const string text = "It starts here\nand ends here. Next one.\n";

        TextLayout.Of(text, SentenceSplitting.All).Sentences.Should().Equal("It starts here", "and ends here.", "Next one.");
        TextLayout.Of(text, SentenceSplitting.NoNewlines).Sentences.Should().Equal("It starts here\nand ends here.", "Next one.");
        var whole = TextLayout.Of(text, SentenceSplitting.None);
        whole.Sentences.Should().Equal("It starts here\nand ends here. Next one.");
        whole.Gaps.Should().Equal("", "\n");
    }

    [Fact]
    public void Random_texts_rejoin_exactly_from_their_own_sentences()
    {
        var random = new Random(12345);
        const string alphabet = "ab Z.!?…\n\r\t-1)「」。«»\"'(é";
        for (var i = 0; i < 2000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            foreach (var mode in Enum.GetValues<SentenceSplitting>())
            {
                var layout = TextLayout.Of(text, mode);
                layout.Rejoin(layout.Sentences).Should().Be(text);
                layout.Gaps.Should().HaveCount(layout.Sentences.Count + 1);
                layout.Sentences.Where(s => s.Length == 0 || s.Trim() != s || !s.Any(char.IsLetter)).Should().BeEmpty();
            }
        }
    }

    [Fact]
    public void Five_thousand_full_stops_cost_no_rows()
    {
        var text = string.Concat(Enumerable.Repeat(". ", 5000));

        var split = InputSegmenter.Split(text, new ScriptedModel(maxInputTokens: 16), SentenceSplitting.All, NoGuard);

        split.Segments.Should().BeEmpty();
        split.Layout.Rejoin([]).Should().Be(text);
    }

    [Fact]
    public void A_sentence_longer_than_the_encoder_is_cut_at_its_clauses_and_spaces_into_pieces_that_fit()
    {
        var model = new ScriptedModel(maxInputTokens: 6);
        const string text = "one two three four, five six seven eight nine ten eleven twelve thirteen";

        var split = InputSegmenter.Split(text, model, SentenceSplitting.All, NoGuard);

        split.Segments.Should().HaveCountGreaterThan(2).And.OnlyContain(s => s.InputIds.Count <= 6);
        split.Segments[0].Text.Should().Be("one two three four,");
        split.Layout.Rejoin([.. split.Segments.Select(s => s.Text)]).Should().Be(text);
    }

    [Fact]
    public void A_run_of_letters_without_spaces_is_cut_between_characters()
    {
        var model = new CharacterModel(maxInputTokens: 10);
        var text = new string('x', 95);

        var split = InputSegmenter.Split(text, model, SentenceSplitting.All, NoGuard);

        split.Segments.Should().OnlyContain(s => s.InputIds.Count <= 10);
        string.Concat(split.Segments.Select(s => s.Text)).Should().Be(text);
    }

    [Fact]
    public void The_length_guard_bounds_each_sentence_by_its_own_length()
    {
        var guard = new LengthGuard(1.5, 4);
        var split = InputSegmenter.Split("A b. A b c d e f g h.", new ScriptedModel(), SentenceSplitting.All,
            tokens => guard.Limit(tokens, 12));

        split.Segments.Select(s => s.MaxNewTokens).Should().Equal(4 + 5, 12);
    }

    [Fact]
    public void Rejoins_sentence_outputs_in_the_source_layout_with_scores()
    {
        var model = new ScriptedModel();
        var texts = new[] { "Aa. Bb!\n- Cc.", "42" }
            .Select(t => InputSegmenter.Split(t, model, SentenceSplitting.All, NoGuard)).ToList();
        var outputs = new[]
        {
            new SequenceOutput([new Candidate("a.", FinishReason.Eos, 2, LogProbability: -1)]),
            new SequenceOutput([new Candidate("b!", FinishReason.Length, 3, LogProbability: -2)]),
            new SequenceOutput([new Candidate("c.", FinishReason.Eos, 2, LogProbability: -1)]),
        };

        var translations = TranslationAssembler.Assemble(texts, outputs, model.Defaults with { NumBeams = 2, LengthPenalty = 1 });

        translations.Should().HaveCount(2);
        var first = translations[0].Best;
        first.Text.Should().Be("a. b!\n- c.");
        first.FinishReason.Should().Be(FinishReason.Length);
        first.OutputTokens.Should().Be(7);
        first.MeanLogProbability.Should().BeApproximately(-4.0 / 7, 1e-9);
        first.Score.Should().BeApproximately(-4.0 / 7, 1e-9);
        first.Sentences.Select(s => (s.Source, s.Text, s.MeanLogProbability)).Should()
            .Equal(("Aa.", "a.", -0.5), ("Bb!", "b!", -2.0 / 3), ("Cc.", "c.", -0.5));
        translations[1].Best.Text.Should().Be("42", "a text without letters comes back as it was");
        translations[1].InputTokens.Should().Be(0);
    }

    /// <summary>One token per character, for cuts inside a word.</summary>
    private sealed class CharacterModel(int maxInputTokens) : ISourceTokenizer
    {
        public string Name => "characters";

        public int MaxInputTokens { get; } = maxInputTokens;

        public SourceTokens Tokenize(string text) =>
            new([.. text.Select(c => (int)c), 0], [.. text.Select(c => c.ToString()), "</s>"]);
    }
}
